import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, INVENTORY, lastRefusal, ORDERS, removeTestPki, startIssuer, tokenRequest, type TestPki } from './harness.js';

// private_key_jwt (RFC 7523): an assertion is made for one request. The issuer refuses one that stays valid longer
// than 5 minutes, since a copy of it could be replayed once its jti left the replay store.
const CLIENT_ID = 'orders-jwt';
const KID = 'orders-jwt-1';
let pki: TestPki;
let privateKey: CryptoKey;
let started: Awaited<ReturnType<typeof startIssuer>>;

beforeAll(async () => {
  pki = await createTestPki();
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  const jwksFile = join(pki.dir, 'orders-jwt.jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' }] }));
  started = await startIssuer(pki, {
    clients: [
      { client_id: CLIENT_ID, spiffe_id: ORDERS, token_endpoint_auth_method: 'private_key_jwt', jwks_file: jwksFile, resources: { [INVENTORY]: ['inventory:read'] } },
    ],
  });
});
afterAll(async () => {
  await started?.issuer.close();
  await removeTestPki(pki);
});

function assertion(expiresInSec: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: KID })
    .setIssuer(CLIENT_ID)
    .setSubject(CLIENT_ID)
    .setAudience(started.url)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSec)
    .sign(privateKey);
}

function requestWith(clientAssertion: string) {
  return tokenRequest(started.url, pki, pki.clients.orders, {
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion,
    resource: INVENTORY,
  });
}

describe('private_key_jwt client assertions', () => {
  it('are taken with a lifetime of up to 5 minutes, once each', async () => {
    for (const lifetime of [60, 300]) {
      const signed = await assertion(lifetime);
      expect((await requestWith(signed)).status).toBe(200);
      const replayed = await requestWith(signed);
      expect(replayed).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    }
  });

  it('are refused when they expire later than that: invalid_client, no token, the reason in the log', async () => {
    const before = started.granted();
    for (const lifetime of [330, 3600, 365 * 86400]) {
      const refused = await requestWith(await assertion(lifetime));
      expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(JSON.stringify(refused.body)).not.toContain('expires too late'); // the detail is for the log only
      expect(lastRefusal(started.logs)).toMatchObject({ detail: 'the client_assertion expires too late: exp may be at most 300 s ahead' });
    }
    expect(started.granted()).toBe(before);
  });
});
