import { rampartErrorOf } from '@rampart/test-support';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKeys, rotateKeys, type Issuer } from '../src/index.js';
import {
  clientCredentials,
  createTestPki,
  exchangeRequest,
  fetchJwks,
  INVENTORY,
  ORDERS,
  removeTestPki,
  startIssuer,
  verifyAccessToken,
  type TestPki,
} from './harness.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(async () => {
  await removeTestPki(pki);
});

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
const kidsOf = async (path: string): Promise<string[]> =>
  (JSON.parse(await readFile(path, 'utf8')) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

describe('the keys file', () => {
  it('is created on first start with one key, mode 0600 in a 0700 folder, and reused afterwards', async () => {
    const path = join(pki.dir, 'fresh', 'keys.json');
    const first = await loadSigningKeys(path);
    expect(first.created).toBe(true);
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(join(pki.dir, 'fresh'))).toBe(0o700);
    expect(first.privateJwks.keys).toHaveLength(1);
    expect(first.publicJwks.keys[0]).not.toHaveProperty('d');
    const again = await loadSigningKeys(path);
    expect(again.created).toBe(false);
    expect(again.signingKid).toBe(first.signingKid);
  });

  it('agrees on one key when two starts race to create it', async () => {
    const path = join(pki.dir, 'race', 'keys.json');
    const [a, b] = await Promise.all([loadSigningKeys(path), loadSigningKeys(path)]);
    expect(a.signingKid).toBe(b.signingKid);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
  });

  it('is tightened to 0600 when it was readable by others', async () => {
    const path = join(pki.dir, 'loose', 'keys.json');
    await loadSigningKeys(path);
    await chmod(path, 0o644);
    await loadSigningKeys(path);
    expect(await modeOf(path)).toBe(0o600);
  });

  it('is refused when invalid, without quoting key material', async () => {
    const path = join(pki.dir, 'bad-keys.json');
    const secret = 'c2VjcmV0LWtleS1tYXRlcmlhbA';
    await writeFile(path, JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y', d: secret, kid: 'k' }] }));
    const error = await rampartErrorOf(loadSigningKeys(path));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('keys[0] is not a private EC P-256 (ES256) JWK');
    expect(error.message).not.toContain(secret);
  });
});

describe('rotateKeys', () => {
  it('goes [old] → [old,new] → [new,old] → [new], refusing to drop the old key before its tokens expire', async () => {
    const path = join(pki.dir, 'rotate', 'keys.json');
    const old = (await loadSigningKeys(path)).signingKid;
    const t0 = new Date('2030-01-01T00:00:00Z');

    const published = await rotateKeys(path, { now: t0 });
    const fresh = published.publishedKids[1]!;
    expect(published).toMatchObject({ stage: 'published', signingKid: old, publishedKids: [old, fresh] });
    expect(fresh).not.toBe(old);
    expect(await kidsOf(path)).toEqual([old, fresh]);

    const signing = await rotateKeys(path, { now: t0 });
    expect(signing).toMatchObject({ stage: 'signing', signingKid: fresh, publishedKids: [fresh, old] });

    const early = await rampartErrorOf(rotateKeys(path, { now: new Date(t0.getTime() + 299_000), retireAfterSec: 300 }));
    expect(early.code).toBe('ERR_FAILED_PRECONDITION');
    expect(await kidsOf(path)).toEqual([fresh, old]);

    const stable = await rotateKeys(path, { now: new Date(t0.getTime() + 300_000), retireAfterSec: 300 });
    expect(stable).toMatchObject({ stage: 'stable', signingKid: fresh, publishedKids: [fresh] });
    expect(await kidsOf(path)).toEqual([fresh]);
    expect(await modeOf(path)).toBe(0o600);
  });

  it('needs an existing keys file', async () => {
    const error = await rampartErrorOf(rotateKeys(join(pki.dir, 'nowhere.json')));
    expect(error.code).toBe('ERR_FAILED_PRECONDITION');
  });
});

describe('rotation with a running issuer (restarted after each step)', () => {
  let running: Issuer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('keeps tokens signed by the old key verifiable until the old key is removed', async () => {
    const keysFile = join(pki.dir, 'live', 'keys.json');
    const start = async (port: number) => {
      const started = await startIssuer(pki, { keysFile, port });
      running = started.issuer;
      return started;
    };
    const restart = async (port: number) => {
      await running?.close();
      return start(port);
    };
    const verifies = async (url: string, token: string, audience = ORDERS) =>
      verifyAccessToken(token, await fetchJwks(url, pki), url, audience).then(
        () => true,
        () => false,
      );

    // [k1]
    const { url, port } = await start(0);
    const k1 = running!.signingKid;
    const t1 = await clientCredentials(url, pki, 'web', ORDERS);
    expect(decodeProtectedHeader(t1).kid).toBe(k1);

    // [k1, k2]: k2 published, k1 still signs
    await rotateKeys(keysFile);
    await restart(port);
    const { keys: publishedKeys } = await fetchJwks(url, pki);
    const k2 = publishedKeys[1]?.kid;
    expect(publishedKeys.map((k) => k.kid)).toEqual([k1, k2]);
    const t2 = await clientCredentials(url, pki, 'web', ORDERS);
    expect(decodeProtectedHeader(t2).kid).toBe(k1);
    expect(await verifies(url, t1)).toBe(true);

    // [k2, k1]: k2 signs, k1 still verifies, also as a subject token
    await rotateKeys(keysFile);
    await restart(port);
    expect(running!.signingKid).toBe(k2);
    const t3 = await clientCredentials(url, pki, 'web', ORDERS);
    expect(decodeProtectedHeader(t3).kid).toBe(k2);
    expect(await verifies(url, t1)).toBe(true);
    expect(await verifies(url, t2)).toBe(true);
    const exchanged = await exchangeRequest(url, pki, 'orders', t1, INVENTORY);
    expect(exchanged.status).toBe(200);
    expect(decodeProtectedHeader(exchanged.body['access_token'] as string).kid).toBe(k2);

    // [k2]: k1 gone once its tokens have expired
    await rotateKeys(keysFile, { now: new Date(Date.now() + 3_600_000) });
    await restart(port);
    expect((await fetchJwks(url, pki)).keys.map((k) => k.kid)).toEqual([k2]);
    expect(await verifies(url, t1)).toBe(false);
    expect(await verifies(url, t3)).toBe(true);
    expect((await exchangeRequest(url, pki, 'orders', t1, INVENTORY)).body['error']).toBe('invalid_grant');
    expect((await exchangeRequest(url, pki, 'orders', t3, INVENTORY)).status).toBe(200);
  });
});
