import { readRichDetails, Status, type BadRequest } from '@rampart/core';
import { collect, collectUntilError, rampartErrorOf } from '@rampart/test-support';
import { startTestApp, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rampartValidate, VALIDATE_PROTO_DIR } from '../src/index.js';
import { AuditServiceDescriptor, CheckoutServiceDescriptor, type CheckoutServiceClient, type Line } from './generated/index.js';
import { AuditService, CheckoutService, protoRoot, seen } from './support/checkout-service.js';

let t: TestApp;
let client: CheckoutServiceClient;

beforeAll(async () => {
  t = await startTestApp({
    name: 'checkout',
    services: [CheckoutService, AuditService],
    protos: { root: protoRoot, includeDirs: [VALIDATE_PROTO_DIR] },
    plugins: [rampartValidate()],
  });
  client = await t.client(CheckoutServiceDescriptor, { as: '/orders' });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  seen.length = 0;
});

const line = (sku: string, quantity: number): Line => ({ sku, quantity, unitPriceCents: '250' });
const valid = { customer: 'c-1', lines: [line('SKU-001', 2)], cardToken: 'tok' };

/** The field violations of a refused call, as the client decodes them. */
function badRequestOf(error: { details: Parameters<typeof readRichDetails>[0] }): BadRequest['fieldViolations'] {
  const detail = readRichDetails(error.details).find((d) => d.type === 'BadRequest');
  return detail?.type === 'BadRequest' ? detail.value.fieldViolations : [];
}

describe('rampartValidate: a unary request', () => {
  it('lets a valid request through to the handler', async () => {
    expect(await client.checkout(valid)).toEqual({ lines: 1 });
    expect(seen.map((s) => s.method)).toEqual(['checkout']);
  });

  it('refuses a request that breaks its rules with INVALID_ARGUMENT and every violation, before the handler runs', async () => {
    const err = await rampartErrorOf(client.checkout({ customer: '', lines: [line('sku-1', 0)], invoiceAccount: 'acct' }));
    expect(err.status).toBe(Status.INVALID_ARGUMENT);
    expect(err.message).toMatch(/^invalid request: customer: .+ \(and 2 more\)$/);
    expect(badRequestOf(err)).toEqual([
      { field: 'customer', description: expect.stringMatching(/at least 1 character/), reason: 'string.min_len' },
      { field: 'lines[0].sku', description: expect.stringMatching(/does not match regex pattern/), reason: 'string.pattern' },
      { field: 'lines[0].quantity', description: expect.stringMatching(/greater than 0/), reason: 'int32.gt_lte' },
    ]);
    expect(seen).toEqual([]);
  });

  it('checks repeated and oneof rules: no line, no payment', async () => {
    const err = await rampartErrorOf(client.checkout({ customer: 'c-1', lines: [] }));
    expect(err.status).toBe(Status.INVALID_ARGUMENT);
    expect(badRequestOf(err).map((v) => `${v.field} ${v.reason}`)).toEqual(['lines repeated.min_items', 'payment required']);
    expect(seen).toEqual([]);
  });

  it('reads int64 fields as the handler gets them (strings): a negative price is refused', async () => {
    const err = await rampartErrorOf(client.checkout({ ...valid, lines: [{ ...line('SKU-001', 1), unitPriceCents: '-1' }] }));
    expect(badRequestOf(err).map((v) => `${v.field} ${v.reason}`)).toEqual(['lines[0].unit_price_cents int64.gte']);
    expect(seen).toEqual([]);
  });

  it('hands the handler only the oneof member that was validated (two members on the wire: the last one is set)', async () => {
    // protobufjs writes both members; proto-loader decodes both and names the last (invoice_account) in `payment`.
    expect(await client.checkout({ ...valid, cardToken: '<script>', invoiceAccount: 'acct-1' })).toEqual({ lines: 1 });
    const got = seen[0]?.message as { payment?: string; cardToken?: string; invoiceAccount?: string };
    expect(got.payment).toBe('invoiceAccount');
    expect(got.invoiceAccount).toBe('acct-1');
    expect(got.cardToken).toBeUndefined();
  });

  it('does not apply to a method whose request type has no rule', () => {
    const ping = t.app.authMatrix().find((row) => row.method === 'Ping');
    const checkout = t.app.authMatrix().find((row) => row.method === 'Checkout');
    expect(ping?.interceptors).not.toContain('validate');
    expect(checkout?.interceptors).toContain('validate');
  });
});

describe('rampartValidate: streams', () => {
  it('checks a server-streaming request (a CEL rule across fields) before the handler runs', async () => {
    expect(await collect(client.watch({ fromIndex: 1, toIndex: 3 }))).toHaveLength(2);
    seen.length = 0;
    const { error } = await collectUntilError(client.watch({ fromIndex: 5, toIndex: 3 }));
    expect(error?.status).toBe(Status.INVALID_ARGUMENT);
    expect(badRequestOf(error)).toEqual([{ field: '', description: 'from_index must not be greater than to_index', reason: 'watch.window' }]);
    expect(seen).toEqual([]);
  });

  it('checks each message of a client stream: the handler sees the valid ones before the first invalid one, then the call ends', async () => {
    expect(await client.addLines([line('SKU-001', 1), line('SKU-002', 2)])).toEqual({ lines: 2 });
    seen.length = 0;
    const err = await rampartErrorOf(client.addLines([line('SKU-001', 1), line('SKU-002', 5000), line('SKU-003', 1)]));
    expect(err.status).toBe(Status.INVALID_ARGUMENT);
    expect(badRequestOf(err).map((v) => `${v.field} ${v.reason}`)).toEqual(['quantity int32.gt_lte']);
    expect(seen.map((s) => (s.message as Line).sku)).toEqual(['SKU-001']);
  });

  it('checks each message of a bidi stream', async () => {
    const { items, error } = await collectUntilError(client.echoLines([line('SKU-001', 1), line('bad', 1)]));
    expect(items.map((l) => l.sku)).toEqual(['SKU-001']);
    expect(error?.status).toBe(Status.INVALID_ARGUMENT);
    expect(seen.map((s) => (s.message as Line).sku)).toEqual(['SKU-001']);
  });
});

describe('rampartValidate: a rule that cannot be evaluated', () => {
  it('fails the call closed (INTERNAL, nothing of the rule said) and the handler never runs', async () => {
    const audit = await t.client(AuditServiceDescriptor, { as: '/orders' });
    const err = await rampartErrorOf(audit.record({ note: 'x' }));
    expect(err.status).toBe(Status.INTERNAL);
    expect(err.message).not.toMatch(/no_such_variable|audit\.broken/);
    expect(seen).toEqual([]);
  });
});
