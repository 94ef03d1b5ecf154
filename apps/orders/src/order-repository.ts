import { randomUUID } from 'node:crypto';
import { RampartError } from '@rampart/core';
import type { Order } from './generated/index.js';

/** DI token of the order repository. */
export const ORDER_REPOSITORY = Symbol.for('rampart.demo.OrderRepository');

/** How many orders the in-memory repository keeps by default. */
export const DEFAULT_MAX_ORDERS = 10_000;

/**
 * The demo shop's orders, in memory: a stand-in for a database, so bounded. It keeps the `maxOrders` most
 * recently saved or read orders (reading an order keeps it); past that the least recently used one is forgotten,
 * and asking for it is NOT_FOUND like any unknown id. A service with real orders keeps them in a database.
 *
 * @example
 * const repo = new OrderRepository(2);
 * repo.save({ orderId: 'ord-1', sku: 'SKU-TEAPOT', quantity: 1, status: 'RESERVED' });
 */
export class OrderRepository {
  readonly #orders = new Map<string, Order & { orderId: string }>();
  /** Who placed each order (the caller's issuer and subject, `ownerKey`): what the owner policy compares with. */
  readonly #owners = new Map<string, string>();

  #maxOrders: number;

  constructor(maxOrders = DEFAULT_MAX_ORDERS) {
    this.#maxOrders = checkedMax(maxOrders);
  }

  /** Sets how many orders it keeps (`orders.maxOrders`), forgetting the least recently used beyond that now. */
  limit(maxOrders: number): void {
    this.#maxOrders = checkedMax(maxOrders);
    while (this.#orders.size > this.#maxOrders) this.#forget(this.#orders.keys().next().value as string);
  }

  newId(): string {
    return `ord-${randomUUID().slice(0, 8)}`;
  }

  /** Saves `order`; `owner` (who placed it, `ownerKey`) is kept beside it, not sent with it. */
  save(order: Order & { orderId: string }, owner?: string): Order {
    this.#orders.delete(order.orderId);
    this.#orders.set(order.orderId, order);
    if (owner !== undefined) this.#owners.set(order.orderId, owner);
    while (this.#orders.size > this.#maxOrders) this.#forget(this.#orders.keys().next().value as string);
    return order;
  }

  /** Who placed the order, if it is known and has an owner (does not count as a read). */
  ownerOf(orderId: string): string | undefined {
    return this.#orders.has(orderId) ? this.#owners.get(orderId) : undefined;
  }

  #forget(orderId: string): void {
    this.#orders.delete(orderId);
    this.#owners.delete(orderId);
  }

  get(orderId: string): Order {
    const order = this.#orders.get(orderId);
    if (!order) throw new RampartError('ERR_NOT_FOUND', `unknown order ${orderId}`);
    this.#orders.delete(orderId);
    this.#orders.set(orderId, order);
    return order;
  }

  /** How many orders it holds now (at most its limit). */
  get size(): number {
    return this.#orders.size;
  }
}

function checkedMax(maxOrders: number): number {
  if (!Number.isInteger(maxOrders) || maxOrders < 1) throw new RangeError(`maxOrders must be a positive integer, got ${maxOrders}`);
  return maxOrders;
}
