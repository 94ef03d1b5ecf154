import { RampartError, Status } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { checkMtls, compileMtlsRule } from '../../src/internal.js';
import { peer, peerWith, thrown } from './fakes.js';

const rule = compileMtlsRule([
  'spiffe://prod.example/ns/payments/api',
  'spiffe://ops.example',
  'spiffe://prod.example/ns/payments/*',
]);

const allowed = (id: string): boolean => thrown(() => checkMtls(rule, peer(id))) === undefined;

describe('checkMtls matching', () => {
  const table: [id: string, expected: boolean, why: string][] = [
    ['spiffe://prod.example/ns/payments/api', true, 'exact ID'],
    ['spiffe://ops.example/deploy', true, 'workload in an allowed trust domain'],
    ['spiffe://ops.example/ns/a/b/c', true, 'deep workload in an allowed trust domain'],
    ['spiffe://prod.example/ns/payments/worker', true, 'one segment below the prefix'],
    ['spiffe://prod.example/ns/payments/a/b', true, 'several segments below the prefix'],
    ['spiffe://prod.example/ns/payments', false, 'the prefix itself'],
    ['spiffe://prod.example/ns/paymentsX/a', false, 'a sibling that shares the prefix text'],
    ['spiffe://prod.example/ns/payment', false, 'shorter than the prefix'],
    ['spiffe://prod.example/ns/orders/api', false, 'another path in the same trust domain'],
    ['spiffe://prod.example/ns/Payments/api', false, 'paths are case-sensitive'],
    ['spiffe://other.example/ns/payments/api', false, 'same path, other trust domain'],
    ['spiffe://prod.example.evil/ns/payments/api', false, 'trust domain that extends an allowed one'],
    ['spiffe://ops.example.evil/deploy', false, 'trust domain that extends an allowed trust domain'],
    ['spiffe://evilops.example/deploy', false, 'trust domain that ends like an allowed one'],
  ];

  it.each(table)('%s → %s (%s)', (id, expected) => {
    expect(allowed(id)).toBe(expected);
  });

  it('does not trust a trustDomain field that disagrees with the SPIFFE ID', () => {
    // Same length as ops.example, so only comparing the names themselves can tell them apart.
    const forged = peerWith(['spiffe://sop.example/deploy'], { trustDomain: 'ops.example' });
    expect((thrown(() => checkMtls(rule, forged)) as RampartError).code).toBe('ERR_PEER_NOT_ALLOWED');
    const extended = peerWith(['spiffe://ops.example.evil/deploy'], { trustDomain: 'ops.example' });
    expect((thrown(() => checkMtls(rule, extended)) as RampartError).code).toBe('ERR_PEER_NOT_ALLOWED');
  });

  it('does not let a malformed ID equal to a prefix plus "/" through', () => {
    const malformed = peerWith(['spiffe://prod.example/ns/payments/']);
    expect((thrown(() => checkMtls(rule, malformed)) as RampartError).code).toBe('ERR_PEER_NOT_ALLOWED');
  });

  it('with an empty allow list, lets any peer with a valid SPIFFE ID through', () => {
    expect(thrown(() => checkMtls(compileMtlsRule(), peer('spiffe://anything.example/x')))).toBeUndefined();
  });
});

describe('checkMtls refusals', () => {
  const refusal = (r: typeof rule, p: Parameters<typeof checkMtls>[1]): RampartError => {
    const error = thrown(() => checkMtls(r, p));
    expect(error).toBeInstanceOf(RampartError);
    return error as RampartError;
  };

  it('no client certificate → UNAUTHENTICATED, even when any ID would do', () => {
    for (const r of [rule, compileMtlsRule()]) {
      const error = refusal(r, undefined);
      expect(error.code).toBe('ERR_NO_CLIENT_CERTIFICATE');
      expect(error.status).toBe(Status.UNAUTHENTICATED);
      expect(error.message).toBe('client certificate required');
      expect(error.reason).toBe('no verified client certificate was presented');
    }
  });

  it('a certificate without a URI SAN → UNAUTHENTICATED, with the reason', () => {
    const error = refusal(compileMtlsRule(), peerWith([]));
    expect(error.code).toBe('ERR_UNAUTHENTICATED');
    expect(error.status).toBe(Status.UNAUTHENTICATED);
    expect(error.message).toBe('client certificate has no valid SPIFFE ID');
    expect(error.reason).toBe('client certificate has no URI SAN');
  });

  it('a certificate with two URI SANs → UNAUTHENTICATED, with the reason', () => {
    const error = refusal(rule, peerWith(['spiffe://ops.example/a', 'spiffe://ops.example/b']));
    expect(error.status).toBe(Status.UNAUTHENTICATED);
    expect(error.reason).toBe('client certificate has 2 URI SANs; an X.509-SVID has exactly one');
  });

  it('a certificate whose single URI is not a SPIFFE ID → UNAUTHENTICATED, naming the URI', () => {
    const error = refusal(rule, peerWith(['https://ops.example/a']));
    expect(error.status).toBe(Status.UNAUTHENTICATED);
    expect(error.reason).toBe('client certificate URI SAN "https://ops.example/a" is not a valid SPIFFE ID');
  });

  it('cuts a very long URI short in the reason', () => {
    const error = refusal(rule, peerWith([`https://x.example/${'a'.repeat(5000)}`]));
    expect(error.reason!.length).toBeLessThan(400);
  });

  it('an ID not in the allow list → PERMISSION_DENIED; the wire message is generic, the reason precise', () => {
    const error = refusal(rule, peer('spiffe://prod.example/ns/orders/api'));
    expect(error.code).toBe('ERR_PEER_NOT_ALLOWED');
    expect(error.status).toBe(Status.PERMISSION_DENIED);
    expect(error.message).toBe('peer not allowed');
    expect(error.publicMessage).not.toContain('spiffe://');
    expect(error.reason).toBe(
      'spiffe://prod.example/ns/orders/api not in allow list [spiffe://prod.example/ns/payments/api, ' +
        'spiffe://ops.example, spiffe://prod.example/ns/payments/*]',
    );
  });
});
