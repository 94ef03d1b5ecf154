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
