// Whose bucket a call's key names, for each key kind, from a call context as the server builds it; the bucket id a
// call is counted under.
import type { CallContext, PeerIdentity, Principal } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { bucketIds } from '../src/bucket-ids.js';
import { MemoryBuckets } from '../src/bucket-store.js';
import { ANONYMOUS_KEY, bounded, keyFunction } from '../src/call-key.js';

const principal = (subject: string): Principal => ({
  subject,
  issuer: 'https://id.example',
  clientId: undefined,
  scopes: new Set(),
  actors: [],
  expiresAt: new Date(),
  claims: {},
});
const peer = (spiffeId: string | undefined): PeerIdentity => ({
  spiffeId,
  trustDomain: undefined,
  uris: [],
  dnsNames: [],
  subject: '',
  serialNumber: '1',
  notAfter: new Date(),
  thumbprint: 'THUMB',
});
const ctx = (fields: { principal?: Principal; peer?: PeerIdentity }): CallContext => ({ principal: fields.principal, peer: fields.peer }) as CallContext;

describe('the key of a call', () => {
  it("'principal': issuer and subject; without a token the peer's SPIFFE ID; with neither, one shared key", () => {
    const { keyOf, kind } = keyFunction(undefined);
    expect(kind).toBe('principal');
    expect(keyOf(ctx({ principal: principal('alice'), peer: peer('spiffe://td/orders') }))).toBe('https://id.example alice');
    expect(keyOf(ctx({ peer: peer('spiffe://td/orders') }))).toBe('spiffe://td/orders');
    expect(keyOf(ctx({}))).toBe(ANONYMOUS_KEY);
  });

  it("'peer': the SPIFFE ID, else the certificate's thumbprint; without a certificate, one shared key", () => {
    const { keyOf } = keyFunction('peer');
    expect(keyOf(ctx({ principal: principal('alice'), peer: peer('spiffe://td/orders') }))).toBe('spiffe://td/orders');
    expect(keyOf(ctx({ peer: peer(undefined) }))).toBe('x5t:THUMB');
    expect(keyOf(ctx({ principal: principal('alice') }))).toBe(ANONYMOUS_KEY);
  });

  it("'method': the same (empty) key for every call", () => {
    const { keyOf, kind } = keyFunction('method');
    expect(kind).toBe('method');
    expect(keyOf(ctx({ principal: principal('alice') }))).toBe(keyOf(ctx({})));
  });

  it('a function: its string, bounded; anything else fails the call closed', () => {
    const { keyOf, kind } = keyFunction((c) => c.principal?.subject ?? (7 as unknown as string));
    expect(kind).toBe('custom');
    expect(keyOf(ctx({ principal: principal('alice') }))).toBe('alice');
    let thrown: unknown;
    try {
      keyOf(ctx({}));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'ERR_INTERNAL', message: 'internal error', reason: "the rate limit's key function returned number, not a string" });
  });

  it('a key over 128 characters is stored as its SHA-256, so no bucket holds a long string from a caller', () => {
    const long = 'x'.repeat(10_000);
    expect(bounded(long)).toMatch(/^sha256:[\w-]{43}$/);
    expect(bounded(long)).not.toBe(bounded(`${long}y`));
    expect(keyFunction(undefined).keyOf(ctx({ principal: principal(long) }))).toBe(bounded(`https://id.example ${long}`));
    expect(bounded('x'.repeat(128))).toBe('x'.repeat(128));
  });
});

describe('the bucket id of a call', () => {
  const store = new MemoryBuckets(10);
  const limitOf = (key: Parameters<typeof keyFunction>[0]) => ({ ...keyFunction(key), keyKind: keyFunction(key).kind, bucket: '/acme.Orders/PlaceOrder' });

  it("is made once per principal object and per connection's peer, and agrees with the key", () => {
    const idOf = bucketIds(limitOf('principal'), store);
    const alice = principal('alice');
    const first = idOf(ctx({ principal: alice }));
    expect(first).toBe('/acme.Orders/PlaceOrder\nhttps://id.example alice');
    expect(idOf(ctx({ principal: alice }))).toBe(first);
    expect(idOf(ctx({ principal: principal('alice') }))).toBe(first); // another token of the same principal: the same bucket
    expect(idOf(ctx({ principal: principal('bob') }))).toBe('/acme.Orders/PlaceOrder\nhttps://id.example bob');
    expect(idOf(ctx({ peer: peer('spiffe://td/orders') }))).toBe('/acme.Orders/PlaceOrder\nspiffe://td/orders');
    expect(idOf(ctx({}))).toBe(`/acme.Orders/PlaceOrder\n${ANONYMOUS_KEY}`);
    expect(bucketIds(limitOf('peer'), store)(ctx({ principal: alice, peer: peer(undefined) }))).toBe('/acme.Orders/PlaceOrder\nx5t:THUMB');
    expect(bucketIds(limitOf('method'), store)(ctx({ principal: alice }))).toBe('/acme.Orders/PlaceOrder');
    expect(bucketIds(limitOf(() => 'tenant-1'), store)(ctx({}))).toBe('/acme.Orders/PlaceOrder\ntenant-1');
  });
});
