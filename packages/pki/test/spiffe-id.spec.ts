import { describe, expect, it } from 'vitest';
import { formatSpiffeId, parseSpiffeId } from '@rampart/core';

describe('parseSpiffeId', () => {
  it.each([
    ['spiffe://demo.rampart.dev/orders', 'demo.rampart.dev', '/orders'],
    ['spiffe://example.org/ns/prod/sa/Orders-v1_2.x', 'example.org', '/ns/prod/sa/Orders-v1_2.x'],
    ['spiffe://td_with-chars.0/a', 'td_with-chars.0', '/a'],
  ])('parses %s', (id, trustDomain, path) => {
    expect(parseSpiffeId(id)).toEqual({ trustDomain, path });
  });

  it.each([
    ['', 'must start with "spiffe://"'],
    ['https://demo.rampart.dev/orders', 'must start with "spiffe://"'],
    ['SPIFFE://demo.rampart.dev/orders', 'must start with "spiffe://"'],
    ['spiffe:/demo.rampart.dev/orders', 'must start with "spiffe://"'],
    ['spiffe:///orders', 'trust domain is empty'],
    ['spiffe://Demo.Rampart.dev/orders', 'trust domain may only contain'],
    ['spiffe://demo.rampart.dev:443/orders', 'trust domain may only contain'],
    ['spiffe://user@demo.rampart.dev/orders', 'trust domain may only contain'],
    ['spiffe://demo.rampart.dev?x=1', 'trust domain may only contain'],
    ['spiffe://demo.rampart.dev', 'path is empty'],
    ['spiffe://demo.rampart.dev/', 'path is empty'],
    ['spiffe://demo.rampart.dev/orders/', 'must not end with "/"'],
    ['spiffe://demo.rampart.dev//orders', 'empty segment'],
    ['spiffe://demo.rampart.dev/a/../b', '"." or ".."'],
    ['spiffe://demo.rampart.dev/./b', '"." or ".."'],
    ['spiffe://demo.rampart.dev/orders?x=1', 'path segments may only contain'],
    ['spiffe://demo.rampart.dev/orders#frag', 'path segments may only contain'],
    ['spiffe://demo.rampart.dev/or%20ders', 'path segments may only contain'],
    ['spiffe://demo.rampart.dev/ord ers', 'path segments may only contain'],
    [`spiffe://${'a'.repeat(256)}/x`, 'trust domain is longer than 255'],
    [`spiffe://demo.rampart.dev/${'a'.repeat(2048)}`, 'longer than 2048'],
  ])('rejects %j', (id, reason) => {
    expect(() => parseSpiffeId(id)).toThrow(TypeError);
    // The message quotes at most the first 120 characters of the ID.
    expect(() => parseSpiffeId(id)).toThrow(`invalid SPIFFE ID ${JSON.stringify(id.length > 120 ? `${id.slice(0, 120)}…` : id)}: `);
    expect(() => parseSpiffeId(id)).toThrow(reason);
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseSpiffeId(42 as unknown as string)).toThrow(new TypeError('invalid SPIFFE ID number: expected a string'));
  });
});

describe('formatSpiffeId', () => {
  it('joins trust domain and path and validates the result', () => {
    expect(formatSpiffeId('demo.rampart.dev', '/orders')).toBe('spiffe://demo.rampart.dev/orders');
    expect(() => formatSpiffeId('Demo.dev', '/orders')).toThrow(/invalid SPIFFE ID "spiffe:\/\/Demo\.dev\/orders"/);
    expect(() => formatSpiffeId('demo.dev', 'orders')).toThrow(TypeError);
  });
});
