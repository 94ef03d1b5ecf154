import { RequireMtls } from '@rampart/auth';
import { GrpcService, type CallContext } from '@rampart/core';
import { inject } from 'inversify';
import type {
  AdjustStockResponse,
  GetStockRequest__Output,
  InventoryServiceHandlers,
  ReserveRequest__Output,
  ReserveResponse,
  StockAdjustment__Output,
  StockLevel,
  WatchStockRequest__Output,
} from './generated/index.js';
import { STOCK_REPOSITORY, type StockRepository } from './stock-repository.js';

/**
 * The demo warehouse. Every method needs a client certificate from a workload the trust bundle vouches for; the
 * sample-apps work adds per-method identities and token rules.
 */
@GrpcService('rampart.demo.inventory.v1.InventoryService')
@RequireMtls()
export class InventoryService implements InventoryServiceHandlers {
  constructor(@inject(STOCK_REPOSITORY) private readonly stock: StockRepository) {}

  getStock(req: GetStockRequest__Output): Promise<StockLevel> {
    return Promise.resolve(this.stock.level(req.sku));
  }

  reserve(req: ReserveRequest__Output, ctx: CallContext): Promise<ReserveResponse> {
    ctx.logger.info({ sku: req.sku, quantity: req.quantity, orderId: req.orderId }, 'reserving');
    return Promise.resolve(this.stock.reserve(req.sku, req.quantity));
  }

  async *watchStock(req: WatchStockRequest__Output, ctx: CallContext): AsyncIterable<StockLevel> {
    let sent = 0;
    for await (const level of this.stock.watch(req.sku, ctx.signal)) {
      yield level;
      sent += 1;
      if (req.maxUpdates > 0 && sent >= req.maxUpdates) return;
    }
  }

  async adjustStock(adjustments: AsyncIterable<StockAdjustment__Output>): Promise<AdjustStockResponse> {
    const touched = new Map<string, StockLevel>();
    let count = 0;
    for await (const adjustment of adjustments) {
      touched.set(adjustment.sku, this.stock.adjust(adjustment.sku, adjustment.delta));
      count += 1;
    }
    return { adjustments: count, levels: [...touched.values()] };
  }

  async *checkStock(queries: AsyncIterable<GetStockRequest__Output>): AsyncIterable<StockLevel> {
    for await (const query of queries) yield this.stock.level(query.sku);
  }
}
