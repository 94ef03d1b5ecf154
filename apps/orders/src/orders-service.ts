import { Authenticated, Authorize, RequireMtls } from '@rampart/auth';
import { clientOf } from '@rampart/client';
import { GrpcService, RampartError, type CallContext } from '@rampart/core';
import { RateLimit } from '@rampart/plugin-ratelimit';
import { inject } from 'inversify';
import {
  InventoryServiceDescriptor,
  OrdersServiceDescriptor,
  type GetOrderRequest__Output,
  type ImportOrdersResponse,
  type InventoryServiceClient,
  type Order,
  type PlaceOrderRequest__Output,
} from './generated/index.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { OrderOwnerPolicy, ownerKey } from './order-owner-policy.js';
import { ORDER_REPOSITORY, type OrderRepository } from './order-repository.js';

/** The demo trust domain's workloads. */
export const DEMO_IDS = {
  orders: 'spiffe://demo.rampart.dev/orders',
  inventory: 'spiffe://demo.rampart.dev/inventory',
} as const;

/** A caller's budget for placing orders: 20 calls at once, then 5 a second, PlaceOrder and ImportOrders counted together. */
const ORDER_WRITES = { capacity: 20, refillPerSecond: 5, key: 'principal', bucket: 'order-writes' } as const;

/**
 * The demo shop's orders. Every call needs a workload certificate and a token for audience `orders`; placing
 * orders needs `orders:write` and a certificate-bound token. Placing an order reserves stock at inventory *as the
 * caller*: the caller's token is exchanged for one whose audience is inventory, with orders as actor. An order
 * request with a `request_id` is placed once per caller and id: a retry gets the first order back. Only the caller
 * who placed an order (or one with `orders:admin`) may read or track it (`OrderOwnerPolicy`). A caller makes at
 * most 20 PlaceOrder or ImportOrders calls at once, then 5 a second: one budget per principal for both (`@RateLimit`).
 */
@GrpcService(OrdersServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: ['orders:read'] })
export class OrdersService {
  readonly keys = new IdempotencyKeys();

  constructor(
    @inject(ORDER_REPOSITORY) private readonly orders: OrderRepository,
    @inject(clientOf(InventoryServiceDescriptor)) private readonly inventory: InventoryServiceClient,
  ) {}

  @Authenticated({ scopes: ['orders:write'], boundToCertificate: true })
  @RateLimit(ORDER_WRITES)
  async placeOrder(req: PlaceOrderRequest__Output, ctx: CallContext): Promise<Order> {
    return this.#place(req, ctx);
  }

  @Authorize(OrderOwnerPolicy)
  getOrder(req: GetOrderRequest__Output): Promise<Order> {
    return Promise.resolve(this.orders.get(req.orderId));
  }

  @Authenticated({ scopes: ['orders:write'], boundToCertificate: true })
  @RateLimit(ORDER_WRITES)
  async importOrders(requests: AsyncIterable<PlaceOrderRequest__Output>, ctx: CallContext): Promise<ImportOrdersResponse> {
    let accepted = 0;
    let rejected = 0;
    for await (const req of requests) {
      try {
        await this.#place(req, ctx);
        accepted += 1;
      } catch (error) {
        // This service's own faults end the import; an order inventory refused (or could not take) is rejected.
        if (!RampartError.is(error) || (!error.downstream && error.isServerFault)) throw error;
        rejected += 1;
      }
    }
    return { accepted, rejected };
  }

  @Authorize(OrderOwnerPolicy)
  async *trackOrders(requests: AsyncIterable<GetOrderRequest__Output>): AsyncIterable<Order> {
    for await (const req of requests) yield this.orders.get(req.orderId);
  }

  /** Places an order once per (caller, request id): a retry with the same id gets the first order back. */
  #place(req: PlaceOrderRequest__Output, ctx: CallContext): Promise<Order> {
    if (req.requestId === '') return this.#placeNew(req, ctx);
    const caller = `${ctx.principal?.issuer ?? ''} ${ctx.principal?.subject ?? ''}`;
    return this.keys.once(caller, req.requestId, () => this.#placeNew(req, ctx));
  }

  /**
   * Reserves at inventory as the caller, then saves the order. Inventory's refusals reach the caller by the
   * downstream rule (docs/security/errors.md): NOT_FOUND and FAILED_PRECONDITION as they are, anything else as
   * UNAVAILABLE or INTERNAL, with inventory's answer kept for the log.
   */
  async #placeNew(req: PlaceOrderRequest__Output, ctx: CallContext): Promise<Order> {
    const orderId = this.orders.newId();
    const reservation = await this.inventory.reserve({ sku: req.sku, quantity: req.quantity, orderId }, { parent: ctx, asCaller: true });
    ctx.logger.info({ orderId, sku: req.sku, reservedFor: reservation.reservedFor }, 'order placed');
    return this.orders.save({
      orderId,
      sku: req.sku,
      quantity: req.quantity,
      status: 'RESERVED',
      reservationId: reservation.reservationId,
      placedBy: reservation.reservedFor,
    }, ownerKey(ctx.principal));
  }
}
