import { EventEmitter, on } from 'node:events';
import { randomUUID } from 'node:crypto';
import { RampartError } from '@rampart/core';
import type { StockLevel } from './generated/index.js';

/** DI token of the stock repository. */
export const STOCK_REPOSITORY = Symbol.for('rampart.demo.StockRepository');

/** Seed stock for the demo warehouse. */
export const DEMO_STOCK: Readonly<Record<string, number>> = { 'SKU-RED-MUG': 40, 'SKU-BLUE-MUG': 12, 'SKU-TEAPOT': 3 };

/** The demo warehouse's stock, in memory. Emits a change event for every update so watchers can stream it. */
export class StockRepository {
  readonly #available = new Map<string, number>();
  readonly #reserved = new Map<string, number>();
  readonly #changes = new EventEmitter();

  constructor(seed: Readonly<Record<string, number>> = DEMO_STOCK) {
    for (const [sku, qty] of Object.entries(seed)) this.#available.set(sku, qty);
    this.#changes.setMaxListeners(0);
  }

  level(sku: string): StockLevel & { available: number } {
    const available = this.#available.get(sku);
    if (available === undefined) throw new RampartError('ERR_NOT_FOUND', `unknown sku ${sku}`);
    return { sku, available, reserved: this.#reserved.get(sku) ?? 0 };
  }

  reserve(sku: string, quantity: number): { reservationId: string; remaining: number } {
    if (!Number.isInteger(quantity) || quantity <= 0) {
      throw new RampartError('ERR_INVALID_ARGUMENT', 'quantity must be a positive integer');
    }
    const { available } = this.level(sku);
    if (available < quantity) {
      throw new RampartError('ERR_FAILED_PRECONDITION', `only ${available} of ${sku} left`);
    }
    this.#available.set(sku, available - quantity);
    this.#reserved.set(sku, (this.#reserved.get(sku) ?? 0) + quantity);
    this.#changes.emit('change', sku);
    return { reservationId: randomUUID(), remaining: available - quantity };
  }

  adjust(sku: string, delta: number): StockLevel {
    const next = (this.#available.get(sku) ?? 0) + delta;
    if (next < 0) throw new RampartError('ERR_FAILED_PRECONDITION', `adjustment would make ${sku} negative`);
    this.#available.set(sku, next);
    this.#changes.emit('change', sku);
    return this.level(sku);
  }

  /** The current level of `sku`, then every change to it, until `signal` aborts. */
  async *watch(sku: string, signal: AbortSignal): AsyncGenerator<StockLevel> {
    yield this.level(sku);
    try {
      for await (const [changed] of on(this.#changes, 'change', { signal }) as AsyncIterable<[string]>) {
        if (changed === sku) yield this.level(sku);
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }
}
