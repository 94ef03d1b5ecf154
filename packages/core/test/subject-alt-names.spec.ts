import { describe, expect, it } from 'vitest';
import { parseSubjectAltNames } from '../src/index.js';

describe('parseSubjectAltNames', () => {
  it('splits URIs, DNS names and IP addresses', () => {
    expect(parseSubjectAltNames('DNS:localhost, URI:spiffe://demo.rampart.dev/orders, IP Address:127.0.0.1, URI:https://x.test')).toEqual({
      uris: ['spiffe://demo.rampart.dev/orders', 'https://x.test'],
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
    });
  });

  it('does not split inside a quoted value, and decodes it', () => {
    expect(parseSubjectAltNames('DNS:"a, URI:spiffe://evil.test/x", URI:spiffe://demo.rampart.dev/orders')).toEqual({
      uris: ['spiffe://demo.rampart.dev/orders'],
      dnsNames: ['a, URI:spiffe://evil.test/x'],
      ipAddresses: [],
    });
    expect(parseSubjectAltNames('URI:"spiffe://demo.rampart.dev/a,b"')?.uris).toEqual(['spiffe://demo.rampart.dev/a,b']);
  });

  it('is empty without SANs and undefined when the text is ambiguous', () => {
    expect(parseSubjectAltNames(undefined)).toEqual({ uris: [], dnsNames: [], ipAddresses: [] });
    expect(parseSubjectAltNames('URI:"unterminated, DNS:x')).toBeUndefined();
  });
});
