import { Status } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@rampart/config';
import { ordersAppOptions } from '../src/app.js';
import { ORDER_REPOSITORY, OrderRepository } from '../src/order-repository.js';
import { ordersConfigSchema, ordersSettings } from '../src/orders-settings.js';

const noop = (): void => undefined;
const silent = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => silent, isLevelEnabled: () => false };

describe('OrderRepository', () => {
  it('keeps saved orders and refuses unknown ids with NOT_FOUND', () => {
    const repo = new OrderRepository();
    const id = repo.newId();
    expect(id).toMatch(/^ord-[0-9a-f]{8}$/);
    repo.save({ orderId: id, sku: 'SKU-TEAPOT', quantity: 1, status: 'RESERVED' });
    expect(repo.get(id)).toMatchObject({ sku: 'SKU-TEAPOT', status: 'RESERVED' });
    let caught: unknown;
    try {
      repo.get('ord-nope');
    } catch (error) {
      caught = error;
    }
    expect((caught as { status: number }).status).toBe(Status.NOT_FOUND);
  });
});

describe('OrderRepository is bounded (a soak places orders for hours)', () => {
  const order = (orderId: string) => ({ orderId, sku: 'SKU-TEAPOT', quantity: 1, status: 'RESERVED' as const });

  it('keeps at most maxOrders: the least recently used order goes first, a read order stays', () => {
    const repo = new OrderRepository(3);
    for (const id of ['ord-a', 'ord-b', 'ord-c']) repo.save(order(id));
    repo.get('ord-a');
    repo.save(order('ord-d'));
    expect(repo.size).toBe(3);
    expect(() => repo.get('ord-b')).toThrow(/unknown order ord-b/);
    expect(repo.get('ord-a').sku).toBe('SKU-TEAPOT');
    for (let i = 0; i < 1_000; i++) repo.save(order(`ord-x${i}`));
    expect(repo.size).toBe(3);
  });

  it('saving an order again updates it without taking a second place', () => {
    const repo = new OrderRepository(2);
    repo.save(order('ord-a'));
    repo.save({ ...order('ord-a'), status: 'CANCELLED' as const });
    repo.save(order('ord-b'));
    expect(repo.size).toBe(2);
    expect(repo.get('ord-a').status).toBe('CANCELLED');
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new OrderRepository(0)).toThrow(/maxOrders must be a positive integer/);
  });
});

describe('orders.maxOrders (RAMPART_ORDERS_MAX_ORDERS) sets the bound at start-up', () => {
  const order = (orderId: string) => ({ orderId, sku: 'SKU-TEAPOT', quantity: 1, status: 'RESERVED' as const });

  it('limit() lowers the bound and forgets the least recently used beyond it at once', () => {
    const repo = new OrderRepository(10);
    for (const id of ['ord-a', 'ord-b', 'ord-c', 'ord-d']) repo.save(order(id));
    repo.get('ord-a');
    repo.limit(2);
    expect(repo.size).toBe(2);
    expect(repo.get('ord-a').orderId).toBe('ord-a');
    expect(() => repo.get('ord-b')).toThrow(/unknown order ord-b/);
    repo.save(order('ord-e'));
    expect(repo.size).toBe(2);
    expect(() => repo.limit(0)).toThrow(/maxOrders must be a positive integer/);
  });

  it('the orders app applies it from the environment, and refuses 0 naming the variable', async () => {
    const register = async (env: Record<string, string>) => {
      const options = ordersAppOptions();
      const plugin = ordersSettings();
      const config = loadConfig({ schemas: [ordersConfigSchema], env });
      await plugin.register({ appName: 'orders', container: options.container!, config, logger: silent, addInterceptor: () => undefined, on: () => undefined });
      return options.container!.get<OrderRepository>(ORDER_REPOSITORY);
    };
    const repo = await register({ RAMPART_ORDERS_MAX_ORDERS: '2' });
    for (const id of ['ord-a', 'ord-b', 'ord-c']) repo.save(order(id));
    expect(repo.size).toBe(2);
    await expect(register({ RAMPART_ORDERS_MAX_ORDERS: '0' })).rejects.toThrow(/orders\.maxOrders is 0: .* Fix: set RAMPART_ORDERS_MAX_ORDERS to 1 or more/);
  });
});
