import { Status } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { OrderRepository } from '../src/order-repository.js';

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
