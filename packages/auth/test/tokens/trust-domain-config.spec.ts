import { loadConfig } from '@rampart/config';
import type { ConfigSchemaFragment } from '@rampart/core';
import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { TokenVerifier, tokenConfigSchema, type TokenVerifierOptions } from '../../src/index.js';
import { tokenVerifierOptionsFromConfig } from '../../src/internal.js';

// auth.tokens.trustDomains: the convict format (what a config file or RAMPART_AUTH_TRUST_DOMAINS may hold) and the
// verifier's own checks (what code may pass), each refusal naming the entry and the fix.

type Setting = { default: unknown; env?: string; format?: unknown };
const fragment: ConfigSchemaFragment = tokenConfigSchema;
const setting = (fragment as { auth: { tokens: Record<string, Setting> } }).auth.tokens.trustDomains!;
const check = setting.format as (value: unknown) => void;

describe('auth.tokens.trustDomains (config format)', () => {
  it('is an empty list by default, from RAMPART_AUTH_TRUST_DOMAINS', () => {
    expect(setting).toMatchObject({ default: [], env: 'RAMPART_AUTH_TRUST_DOMAINS' });
  });

  it('accepts one key source per trust domain', () => {
    expect(() =>
      check([
        { trustDomain: 'a.example', bundleFile: '/run/spire/a.json', audience: 'inventory', algorithms: ['ES256', 'RS256'] },
        { trustDomain: 'b.example', bundleUri: 'https://b.example/bundle' },
        { trustDomain: 'c.example', oidcDiscovery: 'https://oidc.c.example', jwksHosts: ['keys.c.example'] },
        { trustDomain: 'd.example', workloadApi: true, audience: ['inventory', 'spiffe://d.example/inventory'] },
      ]),
    ).not.toThrow();
  });

  it.each<[string, unknown, RegExp]>([
    ['not a list', { trustDomain: 'a.example' }, /must be a JSON array of trust domain objects/],
    ['an entry not an object', ['a.example'], /entry 0 must be an object/],
    ['an unknown key', [{ trustDomain: 'a.example', bundleFile: 'f', bundle: {} }], /entry 0: unknown key "bundle" \(known: trustDomain, bundleFile/],
    ['no trust domain', [{ bundleFile: 'f' }], /entry 0: "trustDomain" must be a trust domain name/],
    ['a SPIFFE ID for a name', [{ trustDomain: 'spiffe://a.example', bundleFile: 'f' }], /entry 0 \("spiffe:\/\/a\.example"\): write the bare trust domain name, without "spiffe:\/\/" \(e\.g\. "a\.example"\)/],
    ['an uppercase name', [{ trustDomain: 'A.example', bundleFile: 'f' }], /lowercase letters, digits/],
    ['a name with a path', [{ trustDomain: 'a.example/x', bundleFile: 'f' }], /must be a trust domain name/],
    ['no key source', [{ trustDomain: 'a.example' }], /entry 0: give exactly one of bundleFile, bundleUri, oidcDiscovery, workloadApi: true \(got none\)/],
    ['two key sources', [{ trustDomain: 'a.example', bundleFile: 'f', workloadApi: true }], /\(got bundleFile, workloadApi\)/],
    ['workloadApi false', [{ trustDomain: 'a.example', workloadApi: false }], /"workloadApi" must be true \(or left out\)/],
    ['a relative bundleUri', [{ trustDomain: 'a.example', bundleUri: '/bundle' }], /"bundleUri" must be an absolute URL/],
    ['an empty bundleFile', [{ trustDomain: 'a.example', bundleFile: '' }], /"bundleFile" must be a non-empty string/],
    ['HS256', [{ trustDomain: 'a.example', bundleFile: 'f', algorithms: ['HS256'] }], /"algorithms" must be a non-empty list of RS256, RS384, RS512, ES256/],
    ['EdDSA', [{ trustDomain: 'a.example', bundleFile: 'f', algorithms: ['EdDSA'] }], /JWT-SVID algorithms/],
    ['no algorithms', [{ trustDomain: 'a.example', bundleFile: 'f', algorithms: [] }], /"algorithms" must be a non-empty list/],
    ['jwksHosts not a list', [{ trustDomain: 'a.example', oidcDiscovery: 'https://o', jwksHosts: 'k' }], /"jwksHosts" must be a list of host names/],
    ['audience not a string', [{ trustDomain: 'a.example', bundleFile: 'f', audience: 1 }], /"audience" must be a string or a list of strings/],
  ])('refuses %s', (_name, value, message) => {
    expect(() => check(value)).toThrow(message);
  });

  it('stops loading config naming the key, from a file value or the environment', () => {
    const env = { RAMPART_AUTH_TRUST_DOMAINS: '[{"trustDomain":"a.example"}]' };
    expect(() => loadConfig({ schemas: [tokenConfigSchema], env })).toThrow(/auth\.tokens\.trustDomains[\s\S]*give exactly one of/);
    const good = { RAMPART_AUTH_TRUST_DOMAINS: '[{"trustDomain":"a.example","bundleFile":"/run/a.json"}]', RAMPART_AUTH_AUDIENCE: 'inventory' };
    const config = loadConfig({ schemas: [tokenConfigSchema], env: good });
    const options = tokenVerifierOptionsFromConfig(config);
    expect(options.trustDomains).toEqual([{ trustDomain: 'a.example', bundleFile: '/run/a.json' }]);
    expect(options.issuers).toEqual([]);
    expect(new TokenVerifier(options).trustDomains).toEqual(['a.example']);
  });
});

describe('TokenVerifier refuses unsafe or broken trust domains at construction', () => {
  const bundle = { keys: [] };
  it.each<[string, Partial<TokenVerifierOptions>, RegExp]>([
    ['workloadApi without a JWT bundle source', { trustDomains: [{ trustDomain: 'a.example', workloadApi: true }] }, /auth\.tokens\.trustDomains "a\.example": workloadApi: true needs a JWT bundle source: pass jwtBundles/],
    ['two key sources', { trustDomains: [{ trustDomain: 'a.example', bundle, bundleFile: 'f' }] }, /"a\.example": give exactly one of .*\(got bundleFile, bundle\)/],
    ['no key source', { trustDomains: [{ trustDomain: 'a.example' }] }, /"a\.example": give exactly one of/],
    ['a SPIFFE ID for a name', { trustDomains: [{ trustDomain: 'spiffe://a.example', bundle }] }, /without "spiffe:\/\/"/],
    ['duplicates', { trustDomains: [{ trustDomain: 'a.example', bundle }, { trustDomain: 'a.example', bundle }] }, /"a\.example": is configured twice/],
    ['plain http off loopback', { trustDomains: [{ trustDomain: 'a.example', bundleUri: 'http://spire.example/bundle' }] }, /`bundleUri` must be an https URL \(http only on loopback\)/],
    ['a plain-http OIDC Discovery Provider', { trustDomains: [{ trustDomain: 'a.example', oidcDiscovery: 'http://oidc.example' }] }, /`oidcDiscovery` must be an https URL/],
    ['jwksHosts without oidcDiscovery', { trustDomains: [{ trustDomain: 'a.example', bundle, jwksHosts: ['k.example'] }] }, /`jwksHosts` applies to oidcDiscovery only/],
    ['HS256 in code', { trustDomains: [{ trustDomain: 'a.example', bundle, algorithms: ['HS256' as 'RS256'] }] }, /algorithms HS256 are not JWT-SVID algorithms/],
    ['none in code', { trustDomains: [{ trustDomain: 'a.example', bundle, algorithms: ['none' as 'RS256'] }] }, /algorithms none are not JWT-SVID algorithms/],
    ['an empty audience', { trustDomains: [{ trustDomain: 'a.example', bundle, audience: [] }] }, /`audience` must be a non-empty string/],
    ['an issuer named like the trust domain', { issuers: [{ issuer: 'spiffe://a.example', jwks: bundle }], trustDomains: [{ trustDomain: 'a.example', bundle }] }, /an issuer is also named "spiffe:\/\/a\.example"/],
    ['neither issuers nor trust domains', {}, /no token issuer is configured: .*auth\.tokens\.trustDomains for JWT-SVIDs/],
  ])('%s', (_name, options, message) => {
    let error: unknown;
    try {
      new TokenVerifier(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RampartError);
    expect((error as RampartError).code).toBe('ERR_CONFIG_INVALID');
    expect((error as RampartError).message).toMatch(message);
  });

  it('reports the problems of issuers and trust domains together', () => {
    expect(() => new TokenVerifier({ issuers: [{ issuer: 'http://x.example' }], trustDomains: [{ trustDomain: 'a.example' }] })).toThrow(
      /must be an https URL[\s\S]*\n {2}auth\.tokens\.trustDomains "a\.example": give exactly one of/,
    );
  });
});
