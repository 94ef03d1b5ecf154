import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/index.js';
import { expectTokenError, recordingLogger } from './support/expect-token-error.js';
import { makeKey, mint, type TestKey } from './support/keys.js';

const ISSUER = 'https://files.example';
let dir: string;
let k1: TestKey;
let k2: TestKey;
let bump = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-jwks-'));
  k1 = await makeKey('ES256', 'k1');
  k2 = await makeKey('EdDSA', 'k2');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Writes the file and moves its mtime forward, so a change is visible even within one clock tick. */
async function write(path: string, content: string): Promise<void> {
  await writeFile(path, content);
  bump += 10;
  const when = new Date(Date.now() + bump * 1000);
  await utimes(path, when, when);
}
const jwks = (...keys: TestKey[]) => JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
const token = (key: TestKey) => mint(key, { iss: ISSUER, aud: 'api' });

describe('local JWKS file', () => {
  it('reloads the file when it changes and keeps the last good keys when it turns bad', async () => {
    const path = join(dir, 'reload.json');
    await write(path, jwks(k1));
    const { logger, warnings } = recordingLogger();
    const verifier = new TokenVerifier({ issuers: [{ issuer: ISSUER, jwksFile: path }], audience: 'api', cacheMax: 0, jwksFilePollMs: 0, logger });
    const [t1, t2] = [await token(k1), await token(k2)];
    await expect(verifier.verify(t1)).resolves.toBeDefined();
    await expectTokenError(verifier.verify(t2), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches.*kid "k2"/, t2);

    await write(path, jwks(k2));
    await expect(verifier.verify(t2)).resolves.toMatchObject({ principal: { issuer: ISSUER } });
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches.*kid "k1"/, t1);

    await write(path, '{ not json');
    await expect(verifier.verify(t2)).resolves.toBeDefined();
    await expect(verifier.verify(t2)).resolves.toBeDefined();
    expect(warnings).toEqual([
      { obj: { path, reason: 'cannot use it: not valid JSON' }, msg: 'JWKS file unusable, keeping the last good keys' },
    ]);

    await write(path, JSON.stringify({ keys: 'nope' }));
    await expect(verifier.verify(t2)).resolves.toBeDefined();
    expect(warnings).toHaveLength(2);

    await write(path, jwks(k1, k2));
    await expect(verifier.verify(t1)).resolves.toBeDefined();
    await expect(verifier.verify(t2)).resolves.toBeDefined();
  });

  it('fails while the file is missing and picks it up once it appears', async () => {
    const path = join(dir, 'late.json');
    const verifier = new TokenVerifier({ issuers: [{ issuer: ISSUER, jwksFile: path }], audience: 'api', jwksFilePollMs: 0 });
    const t1 = await token(k1);
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /JWKS file ".*late\.json" has no usable keys: cannot use it: ENOENT/, t1);
    await write(path, jwks(k1));
    await expect(verifier.verify(t1)).resolves.toBeDefined();
  });

  it('checks the file at most once per poll interval', async () => {
    const path = join(dir, 'poll.json');
    await write(path, jwks(k1));
    let clock = Date.now();
    const verifier = new TokenVerifier({
      issuers: [{ issuer: ISSUER, jwksFile: path }],
      audience: 'api',
      cacheMax: 0,
      jwksFilePollMs: 1000,
      now: () => clock,
    });
    await verifier.verify(await token(k1));
    await write(path, jwks(k2));
    const t2 = await token(k2);
    await expectTokenError(verifier.verify(t2), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches/, t2);
    await expect(verifier.verify(await token(k1))).resolves.toBeDefined(); // the old keys until the next check
    clock += 1000;
    await expect(verifier.verify(t2)).resolves.toBeDefined();
    // The key selected for k1 before the reload is not used after it: k1 is no longer in the file.
    const t1 = await token(k1);
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches.*kid "k1"/, t1);
  });
});
