import { randomUUID } from 'node:crypto';
import { RampartError } from '@rampart/core';
import type { Order } from './generated/index.js';

/** DI token of the order repository. */
export const ORDER_REPOSITORY = Symbol.for('rampart.demo.OrderRepository');

/** The demo shop's orders, in memory. */
export class OrderRepository {
  readonly #orders = new Map<string, Order & { orderId: string }>();

  newId(): string {
    return `ord-${randomUUID().slice(0, 8)}`;
  }

  save(order: Order & { orderId: string }): Order {
    this.#orders.set(order.orderId, order);
    return order;
  }

  get(orderId: string): Order {
    const order = this.#orders.get(orderId);
    if (!order) throw new RampartError('ERR_NOT_FOUND', `unknown order ${orderId}`);
    return order;
  }
}
