import { join } from 'node:path';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN,
  BILLING,
  clientCredentials,
  createTestPki,
  exchangeRequest,
  fetchJwks,
  INVENTORY,
  lastRefusal,
  ORDERS,
  removeTestPki,
  signAsIssuer,
  startIssuer,
  tokenRequest,
  verifyAccessToken,
  type TestPki,
} from './harness.js';

let pki: TestPki;
let started: Awaited<ReturnType<typeof startIssuer>>;
let webToken: string;

beforeAll(async () => {
  pki = await createTestPki();
  started = await startIssuer(pki);
  webToken = await clientCredentials(started.url, pki, 'web', ORDERS, 'orders:place');
});

afterAll(async () => {
  await started?.issuer.close();
  await removeTestPki(pki);
});

const signWithIssuerKey = (claims: Record<string, unknown>): Promise<string> => signAsIssuer(pki, started.url, claims);

describe('token exchange (RFC 8693)', () => {
  it('exchanges the caller’s token for one for the downstream resource, acting as the exchanging workload', async () => {
    const { status, body } = await exchangeRequest(started.url, pki, 'orders', webToken, INVENTORY, {
      scope: 'inventory:reserve',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issued_token_type: ACCESS_TOKEN,
      token_type: 'Bearer',
      scope: 'inventory:reserve',
    });
    const token = body['access_token'] as string;
    const { payload, protectedHeader } = await verifyAccessToken(token, await fetchJwks(started.url, pki), started.url, INVENTORY);
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      iss: started.url,
      aud: INVENTORY,
      sub: 'web',
      client_id: 'orders',
      scope: 'inventory:reserve',
      act: { sub: ORDERS },
    });
    expect(payload['act']).toEqual({ sub: ORDERS });
    expect(payload['cnf']).toEqual({ 'x5t#S256': pki.clients.orders.thumbprint });
    expect(payload.exp).toBeLessThanOrEqual(decodeJwt(webToken).exp!);
    expect(body['expires_in']).toBe((payload.exp as number) - (payload.iat as number));
  });

  it('nests act along a chain of calls and keeps the original sub', async () => {
    const first = await exchangeRequest(started.url, pki, 'orders', webToken, INVENTORY);
    expect(first.status).toBe(200);
    // What web's orders:place delegates at inventory, not all orders may have there (inventory:adjust too).
    expect(first.body['scope']).toBe('inventory:read inventory:reserve');
    const second = await exchangeRequest(started.url, pki, 'inventory', first.body['access_token'] as string, BILLING);
    expect(second.status).toBe(200);
    const { payload } = await verifyAccessToken(
      second.body['access_token'] as string,
      await fetchJwks(started.url, pki),
      started.url,
      BILLING,
    );
    expect(payload).toMatchObject({ sub: 'web', aud: BILLING, client_id: 'inventory', scope: 'billing:charge' });
    expect(payload['act']).toEqual({ sub: INVENTORY, act: { sub: ORDERS } });
    expect(payload['cnf']).toEqual({ 'x5t#S256': pki.clients.inventory.thumbprint });
  });

  it('never outlives the subject token', async () => {
    const exp = Math.floor(Date.now() / 1000) + 30;
    const subject = await signWithIssuerKey({ exp });
    const { status, body } = await exchangeRequest(started.url, pki, 'orders', subject, INVENTORY);
    expect(status).toBe(200);
    expect(decodeJwt(body['access_token'] as string).exp).toBe(exp);
    expect(body['expires_in']).toBeLessThanOrEqual(30);
  });
});

describe('an issuer with a clock tolerance (subject tokens of other clocks)', () => {
  // The tolerance lets a subject token that expired moments ago pass verification; before the fix the exchange then
  // issued a token up to a second past it (Math.max(1, …)), and with a delegation cycle every hop added more.
  let tolerant: Awaited<ReturnType<typeof startIssuer>>;
  beforeAll(async () => {
    tolerant = await startIssuer(pki, { clockToleranceSec: 30, keysFile: join(pki.dir, 'tolerant-keys.json') });
  });
  afterAll(() => tolerant?.issuer.close());

  it('refuses a subject token past its exp although it is within the tolerance; a live one is exchanged, never outliving it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await signAsIssuer(pki, tolerant.url, { exp: now - 3 }, 'tolerant-keys.json');
    const before = tolerant.granted();
    const refused = await exchangeRequest(tolerant.url, pki, 'orders', expired, INVENTORY);
    expect([refused.status, refused.body['error']]).toEqual([400, 'invalid_grant']);
    expect(String(lastRefusal(tolerant.logs)?.['detail'])).toMatch(/^subject_token expired \(exp \d+, now \d+\)/);
    expect(tolerant.granted()).toBe(before);

    const exp = now + 3;
    const live = await signAsIssuer(pki, tolerant.url, { exp }, 'tolerant-keys.json');
    const { status, body } = await exchangeRequest(tolerant.url, pki, 'orders', live, INVENTORY);
    expect(status).toBe(200);
    expect(decodeJwt(body['access_token'] as string).exp).toBeLessThanOrEqual(exp);
  });
});

describe('refused token exchanges', () => {
  it('a subject token from another issuer', async () => {
    const other = await startIssuer(pki, { keysFile: join(pki.dir, 'other-keys.json') });
    try {
      const foreign = await clientCredentials(other.url, pki, 'web', ORDERS);
      const { status, body } = await exchangeRequest(started.url, pki, 'orders', foreign, INVENTORY);
      expect(status).toBe(400);
      expect(body['error']).toBe('invalid_grant');
      expect(String(lastRefusal(started.logs)?.['detail'])).toMatch(/^subject_token is not a valid access token of this issuer/);
    } finally {
      await other.issuer.close();
    }
  });

  it('a forged subject token: changed claims, or signed by another key under the issuer’s kid', async () => {
    const [header, payload, signature] = webToken.split('.') as [string, string, string];
    const claims = { ...decodeJwt(webToken), sub: 'admin' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const { privateKey } = await generateKeyPair('ES256');
    const impostor = await new SignJWT({ ...decodeJwt(webToken) })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: started.issuer.signingKid })
      .sign(privateKey);
    expect(payload).not.toBe(tampered.split('.')[1]);
    for (const forged of [tampered, impostor]) {
      const { status, body } = await exchangeRequest(started.url, pki, 'orders', forged, INVENTORY);
      expect(status).toBe(400);
      expect(body['error']).toBe('invalid_grant');
      expect(String(lastRefusal(started.logs)?.['detail'])).toContain('signature verification failed');
    }
  });

  it('an expired subject token, while the same token not yet expired is accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const fresh = await signWithIssuerKey({ exp: now + 60 });
    expect((await exchangeRequest(started.url, pki, 'orders', fresh, INVENTORY)).status).toBe(200);
    const expired = await signWithIssuerKey({ exp: now - 5 });
    const { status, body } = await exchangeRequest(started.url, pki, 'orders', expired, INVENTORY);
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_grant');
    expect(String(lastRefusal(started.logs)?.['detail'])).toContain('"exp" claim timestamp check failed');
  });

  it('a subject token that was not meant for the exchanging workload', async () => {
    // web's token names orders; inventory may exchange for billing, but nobody called inventory with this token.
    const { status, body } = await exchangeRequest(started.url, pki, 'inventory', webToken, BILLING);
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_grant');
    expect(String(lastRefusal(started.logs)?.['detail'])).toContain(`does not name the exchanging client's audience "${INVENTORY}"`);
  });

  it('an exchanger asking for an audience it may not exchange for', async () => {
    const { status, body } = await exchangeRequest(started.url, pki, 'orders', webToken, BILLING);
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_target');
    expect(lastRefusal(started.logs)?.['detail']).toBe(`client "orders" may not exchange tokens for resource "${BILLING}"`);
  });

  it('a client that may not exchange at all', async () => {
    const forOrders = await clientCredentials(started.url, pki, 'orders', INVENTORY);
    const { status, body } = await exchangeRequest(started.url, pki, 'web', forOrders, ORDERS);
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_request');
    expect(lastRefusal(started.logs)?.['description']).toBe('requested grant type is not allowed for this client');
  });

  it('a scope the exchanger may not have for the resource', async () => {
    const { status, body } = await exchangeRequest(started.url, pki, 'orders', webToken, INVENTORY, {
      scope: 'inventory:admin',
    });
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_scope');
  });

  it('malformed requests: no resource, no subject token, another token type, an actor token, no certificate', async () => {
    const cases: [string, Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
      ['no resource', exchangeRequest(started.url, pki, 'orders', webToken, undefined), 400, 'invalid_target'],
      [
        'no subject_token',
        exchangeRequest(started.url, pki, 'orders', '', INVENTORY),
        400,
        'invalid_request',
      ],
      [
        'id_token type',
        exchangeRequest(started.url, pki, 'orders', webToken, INVENTORY, {
          subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        }),
        400,
        'invalid_request',
      ],
      [
        'actor_token',
        exchangeRequest(started.url, pki, 'orders', webToken, INVENTORY, {
          actor_token: webToken,
          actor_token_type: ACCESS_TOKEN,
        }),
        400,
        'invalid_request',
      ],
      [
        'no certificate',
        tokenRequest(started.url, pki, undefined, {
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          client_id: 'orders',
          subject_token: webToken,
          subject_token_type: ACCESS_TOKEN,
          resource: INVENTORY,
        }),
        401,
        'invalid_client',
      ],
    ];
    for (const [name, pending, status, error] of cases) {
      const result = await pending;
      expect(result.status, name).toBe(status);
      expect(result.body['error'], name).toBe(error);
    }
  });

  it('never logs a subject token', () => {
    const text = started.logs.raw.join('');
    expect(started.logs.entries.some((e) => e['grantType'] === 'urn:ietf:params:oauth:grant-type:token-exchange')).toBe(true);
    expect(text).not.toContain(webToken.split('.')[2]);
  });
});
