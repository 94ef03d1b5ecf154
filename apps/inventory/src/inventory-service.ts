import { Authenticated, RequireMtls } from '@rampart/auth';
import { GrpcService, type CallContext } from '@rampart/core';
import { inject } from 'inversify';
import {
  InventoryServiceDescriptor,
  type AdjustStockResponse,
  type GetStockRequest__Output,
  type ReserveRequest__Output,
  type ReserveResponse,
  type StockAdjustment__Output,
  type StockLevel,
  type WatchStockRequest__Output,
} from './generated/index.js';
import { STOCK_REPOSITORY, type StockRepository } from './stock-repository.js';

/** The only workload allowed to reserve stock: orders, as the dev PKI names it. */
export const ORDERS_WORKLOAD = 'spiffe://demo.rampart.dev/orders';

/**
 * orders on Kubernetes (deploy/kubernetes): the ID of its ServiceAccount in the rampart namespace, which is what
 * cert-manager's csi-driver-spiffe issues (it cannot issue anything else) and what SPIRE's ClusterSPIFFEID there
 * registers.
 */
export const ORDERS_WORKLOAD_ON_KUBERNETES = 'spiffe://demo.rampart.dev/ns/rampart/sa/orders';

/**
 * The demo warehouse. Every call needs a workload certificate from the trust bundle and a token for inventory's
 * audience with `inventory:read`; reserving needs the orders workload's certificate and a certificate-bound token
 * with `inventory:reserve` (orders gets one by exchanging its caller's token); adjusting needs `inventory:adjust`.
 */
@GrpcService(InventoryServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: ['inventory:read'] })
export class InventoryService {
  constructor(@inject(STOCK_REPOSITORY) private readonly stock: StockRepository) {}

  getStock(req: GetStockRequest__Output): Promise<StockLevel> {
    return Promise.resolve(this.stock.level(req.sku));
  }

  @RequireMtls({ allow: [ORDERS_WORKLOAD, ORDERS_WORKLOAD_ON_KUBERNETES] })
  @Authenticated({ scopes: ['inventory:reserve'], boundToCertificate: true })
  reserve(req: ReserveRequest__Output, ctx: CallContext): Promise<ReserveResponse> {
    const principal = ctx.principal;
    const reservedFor = principal ? [principal.subject, ...principal.actors].join(' via ') : 'unknown';
    ctx.logger.info({ sku: req.sku, quantity: req.quantity, orderId: req.orderId, reservedFor }, 'reserving');
    return Promise.resolve({ ...this.stock.reserve(req.sku, req.quantity), reservedFor });
  }

  async *watchStock(req: WatchStockRequest__Output, ctx: CallContext): AsyncIterable<StockLevel> {
    let sent = 0;
    for await (const level of this.stock.watch(req.sku, ctx.signal)) {
      yield level;
      sent += 1;
      if (req.maxUpdates > 0 && sent >= req.maxUpdates) return;
    }
  }

  @Authenticated({ scopes: ['inventory:adjust'] })
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
