/** Orders every orders replica holds from its start (a stand-in for a shared database). */
export const SEED_ORDER_IDS: readonly string[] = Array.from({ length: 20 }, (_, i) => `ord-seed-${String(i + 1).padStart(2, '0')}`);
