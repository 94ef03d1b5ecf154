// What an exchanged token may do is bounded by the caller's token, not by what the exchanging workload may do on
// its own: its scopes are at most those the subject token's scopes delegate (issuer.clients[].exchange), and a
// subject token's may_act, when present, must name the exchanging workload.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientCredentials,
  createTestPki,
  exchangeRequest,
  INVENTORY,
  lastRefusal,
  ORDERS,
  removeTestPki,
  signAsIssuer,
  startIssuer,
  type TestPki,
} from './harness.js';

let pki: TestPki;
let started: Awaited<ReturnType<typeof startIssuer>>;

beforeAll(async () => {
  pki = await createTestPki();
  started = await startIssuer(pki);
});

afterAll(async () => {
  await started?.issuer.close();
  await removeTestPki(pki);
});

/** Exchanges `subject` as orders for inventory; on refusal also checks that no token was issued. */
async function exchange(subject: string, scope?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const before = started.granted();
  const result = await exchangeRequest(started.url, pki, 'orders', subject, INVENTORY, scope === undefined ? {} : { scope });
  if (result.status !== 200) expect(started.granted(), 'a refused exchange issued a token').toBe(before);
  return result;
}

describe('the scopes of an exchanged token', () => {
  it('are what the caller’s scopes delegate, not everything the exchanger may have at the audience', async () => {
    const reader = await clientCredentials(started.url, pki, 'web', ORDERS, 'orders:read');
    const { status, body } = await exchange(reader);
    expect(status).toBe(200);
    expect(body['scope']).toBe('inventory:read');
    expect(decodeJwt(body['access_token'] as string)).toMatchObject({ sub: 'web', scope: 'inventory:read', act: { sub: ORDERS } });
    // orders on its own may have all three at inventory:
    expect(decodeJwt(await clientCredentials(started.url, pki, 'orders', INVENTORY))['scope']).toBe(
      'inventory:read inventory:reserve inventory:adjust',
    );
  });

  it('a caller that may only read orders cannot make orders reserve stock in its name (invalid_scope)', async () => {
    const reader = await clientCredentials(started.url, pki, 'web', ORDERS, 'orders:read');
    const { status, body } = await exchange(reader, 'inventory:reserve');
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_scope');
    expect(lastRefusal(started.logs)?.['detail']).toBe(
      `the subject token's scopes "orders:read" do not delegate "inventory:reserve" at "${INVENTORY}" to client "orders"`,
    );
  });

  it('never include a scope no caller scope delegates (inventory:adjust), even when asked with a delegated one', async () => {
    const placer = await clientCredentials(started.url, pki, 'web', ORDERS, 'orders:place');
    expect((await exchange(placer, 'inventory:reserve')).body['scope']).toBe('inventory:reserve');
    const { status, body } = await exchange(placer, 'inventory:reserve inventory:adjust');
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_scope');
  });

  it('a subject token whose scopes delegate nothing, or that has none, is refused with invalid_scope', async () => {
    for (const claims of [{ scope: 'orders:admin' }, { scope: undefined }]) {
      const { status, body } = await exchange(await signAsIssuer(pki, started.url, claims));
      expect(status, JSON.stringify(claims)).toBe(400);
      expect(body['error']).toBe('invalid_scope');
    }
    expect(lastRefusal(started.logs)?.['detail']).toBe(`the subject token's scopes "" delegate no scope at "${INVENTORY}" to client "orders"`);
  });
});

describe('may_act in the subject token', () => {
  it('naming the exchanging workload: the exchange goes ahead', async () => {
    const subject = await signAsIssuer(pki, started.url, { may_act: { sub: ORDERS } });
    const { status, body } = await exchange(subject);
    expect(status).toBe(200);
    expect(body['scope']).toBe('inventory:read inventory:reserve');
  });

  it('naming another party, or malformed: invalid_grant, no token', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ may_act: { sub: INVENTORY } }, `subject_token's may_act {"sub":"${INVENTORY}"} does not name the exchanging client "${ORDERS}"`],
      [
        { may_act: { sub: ORDERS, iss: 'https://elsewhere.example' } },
        `subject_token's may_act {"sub":"${ORDERS}","iss":"https://elsewhere.example"} does not name the exchanging client "${ORDERS}"`,
      ],
      [{ may_act: ORDERS }, 'subject_token has a malformed may_act claim'],
      [{ may_act: { iss: started.url } }, 'subject_token has a malformed may_act claim'],
    ];
    for (const [claims, detail] of cases) {
      const { status, body } = await exchange(await signAsIssuer(pki, started.url, claims));
      expect(status, JSON.stringify(claims)).toBe(400);
      expect(body['error']).toBe('invalid_grant');
      expect(lastRefusal(started.logs)?.['detail']).toBe(detail);
    }
  });
});
