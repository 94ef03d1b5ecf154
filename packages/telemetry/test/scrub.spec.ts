import { describe, expect, it } from 'vitest';
import { RampartError } from '@rampart/core';
import { REDACTED, scrubString } from '../src/redaction-rules.js';
import { scrubSecrets } from '../src/scrub.js';
import { makeJwt, makePrivateKeyPem } from './fixtures.js';

const b64url = (s: string): string => Buffer.from(s).toString('base64url');

describe('scrubString', () => {
  const jwt = makeJwt();

  it('replaces JWS/JWT, JWE and unsecured JWT shapes', () => {
    const jwe = [b64url('{"alg":"RSA-OAEP","enc":"A256GCM"}'), 'kEy-_1', 'iv-_2', 'cipher-_text', 'tag-_3'].join('.');
    const unsecured = `${b64url('{"alg":"none"}')}.${b64url('{"sub":"x"}')}.`;
    const spaced = `${b64url('{ "alg": "HS256" }')}.${b64url('{"sub":"x"}')}.c2ln`;
    expect(scrubString(`token ${jwt} rejected`)).toBe(`token ${REDACTED} rejected`);
    expect(scrubString(`jwe=${jwe};`)).toBe(`jwe=${REDACTED};`);
    expect(scrubString(`(${unsecured})`)).toBe(`(${REDACTED})`);
    expect(scrubString(spaced)).toBe(REDACTED);
  });

  it('replaces Bearer and DPoP values, whatever the token looks like', () => {
    expect(scrubString(`authorization: Bearer ${jwt}`)).toBe(`authorization: Bearer ${REDACTED}`);
    expect(scrubString('Authorization: bearer opaque-Token_123~+/==, next')).toBe(
      `Authorization: bearer ${REDACTED}, next`,
    );
    expect(scrubString('DPoP abc.def.ghi')).toBe(`DPoP ${REDACTED}`);
  });

  it('replaces PEM private keys, also cut-off ones, but keeps certificates', () => {
    const pem = makePrivateKeyPem();
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJ\n-----END CERTIFICATE-----';
    expect(scrubString(`key:\n${pem}\ncert:\n${cert}`)).toBe(`key:\n${REDACTED}\n\ncert:\n${cert}`);
    expect(scrubString(`oops ${pem.slice(0, 80)}`)).toBe(`oops ${REDACTED}`);
    const rsa = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----';
    expect(scrubString(rsa)).toBe(REDACTED);
  });

  it('replaces secrets in form bodies, query strings, JSON text and URL user info', () => {
    expect(scrubString('grant_type=client_credentials&client_secret=s3cr3t&scope=a')).toBe(
      `grant_type=client_credentials&client_secret=${REDACTED}&scope=a`,
    );
    expect(scrubString('/cb?code=1&access_token=opaque123')).toBe(`/cb?code=1&access_token=${REDACTED}`);
    expect(scrubString('{"error":"invalid_client","client_secret":"s3c\\"r3t","x":1}')).toBe(
      `{"error":"invalid_client","client_secret":"${REDACTED}","x":1}`,
    );
    expect(scrubString('connect postgres://app:hunter2@db:5432/orders failed')).toBe(
      `connect postgres://app:${REDACTED}@db:5432/orders failed`,
    );
  });

  it('leaves innocent strings alone (same string back)', () => {
    for (const s of [
      '',
      'reserving 3 of sku-1',
      'eyes.on.the.prize',
      'rampart.demo.inventory.v1.InventoryService/Reserve',
      'spiffe://demo.rampart.dev/orders',
      'https://issuer.demo.rampart.dev:8443/token',
      'version 1.2.3-rc.1',
      `${b64url('{"page":2}')} is a cursor.`,
      'the tokenType is Bearer',
    ]) {
      expect(scrubString(s)).toBe(s);
    }
  });
});

describe('scrubSecrets', () => {
  const jwt = makeJwt();

  it('redacts values under secret-looking keys, ignoring case, dashes and underscores', () => {
    const out = scrubSecrets({
      Authorization: 'Basic YWxpY2U6c2VjcmV0',
      'proxy-authorization': 'x',
      accessToken: 'opaque-1',
      ID_TOKEN: 'opaque-2',
      refresh_token: 'opaque-3',
      Client_Secret: 'opaque-4',
      password: 12345,
      dbPassword: 'opaque-5',
      private_key: { kty: 'EC', d: 'opaque-6' },
      key: 'opaque-7',
      apiKey: 'opaque-8',
      hasToken: true,
      token: null,
      tokenType: 'Bearer',
      keyId: 'k1',
      sku: 'sku-1',
    });
    expect(out).toEqual({
      Authorization: REDACTED,
      'proxy-authorization': REDACTED,
      accessToken: REDACTED,
      ID_TOKEN: REDACTED,
      refresh_token: REDACTED,
      Client_Secret: REDACTED,
      password: REDACTED,
      dbPassword: REDACTED,
      private_key: REDACTED,
      key: REDACTED,
      apiKey: REDACTED,
      hasToken: true,
      token: null,
      tokenType: 'Bearer',
      keyId: 'k1',
      sku: 'sku-1',
    });
  });

  it('returns a deep copy and leaves the original untouched', () => {
    const original = { a: { b: [{ c: 'clean' }] }, note: `Bearer ${jwt}` };
    const copy = scrubSecrets(original);
    expect(copy).toEqual({ a: { b: [{ c: 'clean' }] }, note: `Bearer ${REDACTED}` });
    expect(copy.a).not.toBe(original.a);
    expect(copy.a.b[0]).not.toBe(original.a.b[0]);
    expect(original.note).toBe(`Bearer ${jwt}`);
  });

  it('copies Errors with their prototype and scrubbed message, stack, cause and own properties', () => {
    const cause = new Error(`upstream: ${jwt}`);
    const err = new RampartError('ERR_TOKEN_INVALID', 'invalid token', { cause, reason: `bad sig on ${jwt}` });
    const copy = scrubSecrets(err);
    expect(copy).not.toBe(err);
    expect(copy).toBeInstanceOf(RampartError);
    expect(copy.code).toBe('ERR_TOKEN_INVALID');
    expect(copy.status).toBe(err.status);
    expect(copy.message).toBe('invalid token');
    expect(copy.reason).toBe(`bad sig on ${REDACTED}`);
    expect((copy.cause as Error).message).toBe(`upstream: ${REDACTED}`);
    expect((copy.cause as Error).stack).toContain(`Error: upstream: ${REDACTED}`);
    expect(copy.stack).toContain('scrub.spec.ts');
    expect(err.reason).toContain(jwt);

    const aggregate = scrubSecrets(new AggregateError([new Error(jwt)], 'several'));
    expect((aggregate.errors[0] as Error).message).toBe(REDACTED);
  });

  it('handles cycles, depth, binary data, Maps, Sets, Dates and toJSON objects', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    expect(scrubSecrets(cyclic)).toEqual({ id: 1, self: '[circular]' });

    let deep: Record<string, unknown> = { token: jwt };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(scrubSecrets(deep))).not.toContain(jwt);
    expect(JSON.stringify(scrubSecrets(deep))).toContain('[too deep]');

    const shared = { sku: 'sku-1' };
    expect(scrubSecrets({ a: shared, b: shared })).toEqual({ a: shared, b: shared });

    expect(scrubSecrets({ raw: Buffer.from(jwt), view: new Uint8Array(4) })).toEqual({
      raw: `[binary ${jwt.length} bytes]`,
      view: '[binary 4 bytes]',
    });
    const map = scrubSecrets(new Map<unknown, unknown>([['authorization', jwt], ['sku', 'sku-1'], [jwt, 'cached']]));
    expect([...map]).toEqual([
      ['authorization', REDACTED],
      ['sku', 'sku-1'],
      [REDACTED, 'cached'],
    ]);
    expect([...scrubSecrets(new Set([jwt, 'ok']))]).toEqual([REDACTED, 'ok']);
    const at = new Date(0);
    expect(scrubSecrets({ at }).at).toEqual(at);
    const url = new URL(`https://api.example/cb?access_token=${jwt}`);
    expect(scrubSecrets({ url }).url).toBe(`https://api.example/cb?access_token=${REDACTED}`);
  });

  it('passes primitives through', () => {
    expect(scrubSecrets(42)).toBe(42);
    expect(scrubSecrets(null)).toBe(null);
    expect(scrubSecrets(undefined)).toBe(undefined);
    expect(scrubSecrets('plain')).toBe('plain');
    expect(scrubSecrets(jwt)).toBe(REDACTED);
  });
});
