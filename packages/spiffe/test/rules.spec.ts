import { SignJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/backoff.js';
import { parseJwtSvid } from '../src/jwt-svid.js';
import { defaultExpiryMarginMs, svidHealth } from '../src/svid-health.js';
import { trustDomainOfKey } from '../src/trust-domain-name.js';

describe('backoff', () => {
  it('doubles to its cap, spreads by the jitter, and resets', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.2 }, () => 0);
    const high = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.2 }, () => 0.999999);
    expect(Array.from({ length: 6 }, () => low.next())).toEqual([80, 160, 320, 640, 800, 800]);
    expect(Array.from({ length: 6 }, () => high.next())).toEqual([120, 240, 480, 960, 1000, 1000]);
    low.reset();
    expect(low.next()).toBe(80);
    expect(() => new Backoff({ jitter: 2 })).toThrow(/jitter/);
    expect(() => new Backoff({ initialMs: 10, maxMs: 5 })).toThrow(/maxMs/);
  });
});

describe('the health rule', () => {
  const now = 1_000_000;
  it('is healthy until the margin before expiry, whether the stream is up (an agent that cannot renew) or down', () => {
    expect(svidHealth({ notAfterMs: now + 30_000, streamUp: true, marginMs: 60_000 }, now)).toEqual({ healthy: false, changesAtMs: now + 30_000 });
    expect(svidHealth({ notAfterMs: now + 90_000, streamUp: true, marginMs: 60_000 }, now)).toEqual({ healthy: true, changesAtMs: now + 30_000 });
    expect(svidHealth({ notAfterMs: now + 30_000, streamUp: false, marginMs: 60_000 }, now)).toEqual({ healthy: false, changesAtMs: now + 30_000 });
    expect(svidHealth({ notAfterMs: now + 90_000, streamUp: false, marginMs: 60_000 }, now)).toEqual({ healthy: true, changesAtMs: now + 30_000 });
    expect(svidHealth({ notAfterMs: now, streamUp: true, marginMs: 0 }, now)).toEqual({ healthy: false, changesAtMs: undefined });
  });
  it('defaults the margin to a quarter of the lifetime, at most a minute', () => {
    expect(defaultExpiryMarginMs(3_600_000)).toBe(60_000);
    expect(defaultExpiryMarginMs(8_000)).toBe(2_000);
  });
});

describe('trust domain keys', () => {
  it('accepts spiffe://td and td, refuses anything else', () => {
    expect(trustDomainOfKey('spiffe://partner.example')).toBe('partner.example');
    expect(trustDomainOfKey('partner.example')).toBe('partner.example');
    for (const bad of ['', 'spiffe://', 'spiffe://td/path', 'Partner.example', 'td:8080', 'https://td']) expect(() => trustDomainOfKey(bad), bad).toThrow(/is not a trust domain/);
  });
});

describe('JWT-SVID responses', () => {
  const id = 'spiffe://test.rampart.dev/orders';
  async function token(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'ES256', kid: 'k1' }): Promise<string> {
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: id, aud: ['a', 'b'], exp: now + 60, iat: now, ...claims }).setProtectedHeader(header as { alg: string }).sign(privateKey);
  }
  it('reads a good one', async () => {
    const svid = parseJwtSvid({ spiffeId: id, svid: await token({}), hint: 'h' }, ['b']);
    expect(svid).toMatchObject({ spiffeId: id, hint: 'h', audience: ['a', 'b'] });
  });
  it.each([
    ['another sub', { sub: 'spiffe://test.rampart.dev/other' }, undefined, /sub is not spiffe_id/],
    ['no exp', { exp: undefined }, undefined, /has no exp/],
    ['an exp in the past', { exp: 1000 }, undefined, /expired at/],
    ['an audience missing', { aud: 'a' }, undefined, /aud lacks "b"/],
    ['no kid', {}, { alg: 'ES256' }, /has no kid/],
  ])('refuses %s', async (_name, claims, header, message) => {
    const jwt = await token(claims, header);
    expect(() => parseJwtSvid({ spiffeId: id, svid: jwt, hint: '' }, ['a', 'b'])).toThrow(message);
  });
  it('refuses what is not a JWT, and a bad SPIFFE ID', () => {
    expect(() => parseJwtSvid({ spiffeId: id, svid: 'not.a.jwt', hint: '' }, ['a'])).toThrow(/it is not a JWT/);
    expect(() => parseJwtSvid({ spiffeId: 'spiffe://td', svid: 'x', hint: '' }, ['a'])).toThrow(/path is empty/);
  });
});
