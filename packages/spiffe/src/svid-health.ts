/**
 * The health rule of an X.509 source, as a pure function of the time: healthy while it holds an SVID that is more than
 * `marginMs` from its expiry, so a server reports NOT_SERVING (and load balancers move away) before its certificate
 * stops working. The stream's state does not matter: an agent that answers but cannot renew (cut off from its SPIRE
 * server) leaves the SVID to run out just the same. `streamUp` is kept for the log line.
 *
 * @example
 * ```ts
 * const health: SvidHealth = svidHealth({ notBeforeMs, notAfterMs, streamUp: false, marginMs: 60_000 }, Date.now());
 * if (!health.healthy) report('NOT_SERVING');
 * ```
 */
export interface SvidHealth {
  readonly healthy: boolean;
  /** When the answer changes next on its own (the SVID nears or reaches its expiry), or undefined. */
  readonly changesAtMs: number | undefined;
}

/**
 * The default expiry margin: a quarter of the SVID's lifetime, at most one minute (SPIRE rotates at half the
 * lifetime, so a healthy agent never lets an SVID come this close).
 *
 * @example
 * ```ts
 * defaultExpiryMarginMs(3_600_000); // 60_000
 * defaultExpiryMarginMs(8_000); // 2_000
 * ```
 */
export function defaultExpiryMarginMs(lifetimeMs: number): number {
  return Math.max(0, Math.min(60_000, Math.floor(lifetimeMs / 4)));
}

/**
 * Applies the rule (see {@link SvidHealth}).
 *
 * @example
 * ```ts
 * svidHealth({ notAfterMs: now + 30_000, streamUp: false, marginMs: 60_000 }, now); // { healthy: false, changesAtMs: now + 30_000 }
 * ```
 */
export function svidHealth(
  state: { readonly notAfterMs: number; readonly streamUp: boolean; readonly marginMs: number },
  nowMs: number,
): SvidHealth {
  const { notAfterMs, marginMs } = state;
  if (nowMs >= notAfterMs) return { healthy: false, changesAtMs: undefined };
  const turnsAt = notAfterMs - marginMs;
  if (nowMs >= turnsAt) return { healthy: false, changesAtMs: notAfterMs };
  return { healthy: true, changesAtMs: turnsAt };
}
