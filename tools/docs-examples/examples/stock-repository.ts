import type {
  AdjustStockResponse,
  ReserveResponse,
  StockAdjustment__Output,
  StockLevel,
} from './generated/index.js';

/** The container token of the stock repository the README's `InventoryService` is given. */
export const STOCK_REPOSITORY = Symbol.for('docs-examples.StockRepository');

/** What the README's `InventoryService` asks of its repository: the reader's own code, not shown on the page. */
export interface StockRepository {
  level(sku: string): StockLevel;
  reserve(sku: string, quantity: number, reservedFor: string | undefined): ReserveResponse;
  watch(sku: string, signal: AbortSignal): AsyncIterable<StockLevel>;
  adjust(changes: AsyncIterable<StockAdjustment__Output>): Promise<AdjustStockResponse>;
}

/**
 * A stock repository in memory: every SKU starts with 10 available, reservations take from it, adjustments add
 * to it, and watchers get the level on every change until their signal aborts.
 *
 * @example
 * ```ts
 * container.bind(STOCK_REPOSITORY).toConstantValue(new InMemoryStock());
 * ```
 */
export class InMemoryStock implements StockRepository {
  private readonly levels = new Map<string, { available: number; reserved: number }>();
  private readonly changed = new EventTarget();
  private reservations = 0;

  level(sku: string): StockLevel {
    return { sku, ...this.current(sku) };
  }

  reserve(sku: string, quantity: number, reservedFor: string | undefined): ReserveResponse {
    const { available, reserved } = this.current(sku);
    this.levels.set(sku, { available: available - quantity, reserved: reserved + quantity });
    this.changed.dispatchEvent(new Event(sku));
    this.reservations += 1;
    return { reservationId: `res-${this.reservations}`, remaining: available - quantity, reservedFor: reservedFor ?? '' };
  }

  async *watch(sku: string, signal: AbortSignal): AsyncIterable<StockLevel> {
    while (!signal.aborted) {
      yield this.level(sku);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.changed.removeEventListener(sku, done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.changed.addEventListener(sku, done);
        signal.addEventListener('abort', done);
      });
    }
  }

  async adjust(changes: AsyncIterable<StockAdjustment__Output>): Promise<AdjustStockResponse> {
    let adjustments = 0;
    const touched = new Set<string>();
    for await (const { sku, delta } of changes) {
      const { available, reserved } = this.current(sku);
      this.levels.set(sku, { available: available + delta, reserved });
      this.changed.dispatchEvent(new Event(sku));
      touched.add(sku);
      adjustments += 1;
    }
    return { adjustments, levels: [...touched].map((sku) => this.level(sku)) };
  }

  private current(sku: string): { available: number; reserved: number } {
    return this.levels.get(sku) ?? { available: 10, reserved: 0 };
  }
}
