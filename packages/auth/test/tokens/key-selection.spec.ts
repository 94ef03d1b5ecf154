import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyHint, KeySelection } from '../../src/tokens/key-source.js';
import { KeyHints } from '../../src/tokens/token-shape.js';
import { TokenVerifier } from '../../src/index.js';
import { expectTokenError } from './support/expect-token-error.js';
import { makeKey, mint, type TestKey } from './support/keys.js';

// jose selects a key from the JWKS by the header's alg and kid; KeySelection remembers each selection so that a later
// token with the same alg and kid is handed to jose with its key directly. jose's own checks must still run.

const ISSUER = 'https://keys.example';
let k1: TestKey;
let k2: TestKey;
let rs: TestKey;

beforeAll(async () => {
  k1 = await makeKey('ES256', 'k1');
  k2 = await makeKey('ES256', 'k2');
  rs = await makeKey('RS256', 'rs');
});
afterEach(() => vi.restoreAllMocks());

const header = (alg: string, kid?: string) => ({ alg, ...(kid === undefined ? {} : { kid }) });
const jws = { payload: '', signature: '' };

describe('KeySelection', () => {
  it('remembers a key once jose selected it, per alg and kid, and nothing it did not select', async () => {
    const selection = new KeySelection({ keys: [k1.publicJwk, k2.publicJwk, rs.publicJwk] });
    expect(selection.selected(keyHint('ES256', 'k1'))).toBeUndefined();
    const key = await selection.select(header('ES256', 'k1'), jws);
    expect(selection.selected(keyHint('ES256', 'k1'))).toBe(key);
    expect(selection.selected(keyHint('ES256', 'k2'))).toBeUndefined();
    expect(selection.selected(keyHint('ES384', 'k1'))).toBeUndefined();
    expect(selection.selected(keyHint('ES256', undefined))).toBeUndefined();
    await expect(selection.select(header('ES256', 'nope'), jws)).rejects.toThrow(/no applicable key/i);
    expect(selection.selected(keyHint('ES256', 'nope'))).toBeUndefined();
  });

  it('keeps a header without kid apart from any kid, even an empty one', async () => {
    const selection = new KeySelection({ keys: [k1.publicJwk] });
    const key = await selection.select(header('ES256'), jws);
    expect(selection.selected(keyHint('ES256', undefined))).toBe(key);
    expect(selection.selected(keyHint('ES256', ''))).toBeUndefined();
  });

  it('does not remember a selection made with an unprotected header (flattened JWS)', async () => {
    const selection = new KeySelection({ keys: [k1.publicJwk] });
    await selection.select(header('ES256', 'k1'), { ...jws, header: {} });
    expect(selection.selected(keyHint('ES256', 'k1'))).toBeUndefined();
  });
});

describe('KeyHints', () => {
  it("reads a header's alg and kid once per distinct header, and nothing from a header that does not qualify", async () => {
    const hints = new KeyHints(2);
    const [a, b] = [await mint(k1, { iss: ISSUER, aud: 'api' }), await mint(k1, { iss: ISSUER, aud: 'api', sub: 'other' })];
    const first = hints.of(a);
    expect(first).toEqual({ alg: 'ES256', kid: 'k1', id: 'ES256 k1' });
    expect(hints.of(b)).toBe(first); // same header: the same hint, no decode
    const numericKid = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: 7 })).toString('base64url')}.e30.sig`;
    expect(hints.of(numericKid)).toBeUndefined();
    expect(hints.of('not-base64-json.e30.sig')).toBeUndefined();
  });

  it('forgets all hints when full, so a flood of distinct headers cannot grow it', async () => {
    const hints = new KeyHints(2);
    const headerFor = (kid: string) => `${Buffer.from(JSON.stringify({ alg: 'ES256', kid })).toString('base64url')}.e30.sig`;
    const kept = hints.of(headerFor('a'));
    hints.of(headerFor('b'));
    expect(hints.of(headerFor('a'))).toBe(kept);
    hints.of(headerFor('c')); // full: cleared, then 'c' noted
    expect(hints.of(headerFor('a'))).not.toBe(kept);
    expect(hints.of(headerFor('a'))).toEqual(kept);
  });
});

describe('verification with a key at hand', () => {
  const verifierFor = (...keys: TestKey[]) =>
    new TokenVerifier({ issuers: [{ issuer: ISSUER, jwks: { keys: keys.map((k) => k.publicJwk) } }], audience: 'api', cacheMax: 0 });
  const token = (key: TestKey, claims: object = {}, headers: object = {}) => mint(key, { iss: ISSUER, aud: 'api', ...claims }, headers);

  it('selects a key once and still verifies every signature', async () => {
    const verifier = verifierFor(k1, k2);
    const selections = vi.spyOn(KeySelection.prototype, 'select');
    const signatures = vi.spyOn(crypto.subtle, 'verify');
    for (let i = 0; i < 3; i += 1) await verifier.verify(await token(k1));
    expect(selections).toHaveBeenCalledTimes(1);
    expect(signatures).toHaveBeenCalledTimes(3);
    await verifier.verify(await token(k2));
    expect(selections).toHaveBeenCalledTimes(2);
  });

  it('refuses what jose refuses: a signature by another key under the same kid, another alg, a wrong audience', async () => {
    const verifier = verifierFor(k1);
    await verifier.verify(await token(k1));
    const evil = await makeKey('ES256', 'k1');
    const forged = await token(evil);
    await expectTokenError(verifier.verify(forged), 'ERR_TOKEN_INVALID', /signature verification failed/, forged);
    const otherAudience = await token(k1, { aud: 'billing' });
    await expectTokenError(verifier.verify(otherAudience), 'ERR_TOKEN_INVALID', /claim "aud" check_failed/, otherAudience);
    const expired = await token(k1, { exp: Math.floor(Date.now() / 1000) - 120 });
    await expectTokenError(verifier.verify(expired), 'ERR_TOKEN_EXPIRED', /exp \d+ <= now/, expired);
  });

  it('reports a token naming another issuer as an unknown issuer, as when the issuer is read first', async () => {
    const verifier = verifierFor(k1);
    await verifier.verify(await token(k1));
    const elsewhere = await token(k1, { iss: 'https://elsewhere.example' });
    await expectTokenError(verifier.verify(elsewhere), 'ERR_TOKEN_INVALID', /unknown issuer "https:\/\/elsewhere\.example"/, elsewhere);
  });
});
