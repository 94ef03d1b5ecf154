import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/index.js';
import { CLAIM_PRESETS, resolveClaimMapping } from '../../src/internal.js';
import { makeKey, mint, nowSec } from './support/keys.js';

describe('resolveClaimMapping', () => {
  it('gives the default mapping (scope, scp, client_id) when nothing is configured', () => {
    expect(resolveClaimMapping(undefined)).toEqual({ scopes: ['scope', 'scp'], roles: [], clientId: ['client_id'] });
  });

  it.each([
    ['keycloak', { scopes: ['scope'], roles: [['realm_access', 'roles']], clientId: ['client_id', 'azp'] }],
    ['auth0', { scopes: ['scope', 'permissions'], roles: [], clientId: ['client_id', 'azp'] }],
    ['entra', { scopes: ['scp', 'roles'], roles: ['roles'], clientId: ['azp', 'appid'] }],
    ['okta', { scopes: ['scp'], roles: [], clientId: ['cid'] }],
    ['spire', { scopes: [], roles: [], clientId: ['sub'] }],
  ])('has the %s preset', (name, mapping) => {
    expect(resolveClaimMapping(name)).toEqual(mapping);
  });

  it('starts an explicit mapping from a preset and replaces only the lists it names', () => {
    expect(resolveClaimMapping({ preset: 'auth0', roles: ['https://rampart.example/roles'] })).toEqual({
      ...CLAIM_PRESETS.auth0,
      roles: ['https://rampart.example/roles'],
    });
    expect(resolveClaimMapping({ clientId: ['azp'] })).toEqual({ ...CLAIM_PRESETS.default, clientId: ['azp'] });
  });

  it('keeps the presets immutable', () => {
    expect(() => (CLAIM_PRESETS.okta.clientId as string[]).push('client_id')).toThrow(TypeError);
    const mapping = resolveClaimMapping({ scopes: [['a', 'b']] });
    expect(Object.isFrozen(mapping.scopes[0])).toBe(true);
  });

  it.each([
    ['unknown preset', 'azure', /unknown preset "azure": use one of default, keycloak, auth0, entra, okta, spire/],
    ['unknown preset in an object', { preset: 'Okta' }, /unknown preset "Okta"/],
    ['empty claim name', { roles: [''] }, /"roles" must be a list of claim names.*got ""/],
    ['empty path', { roles: [[]] }, /"roles" must be a list of claim names.*got \[\]/],
    ['a path with an empty name', { roles: [['realm_access', '']] }, /got \["realm_access",""\]/],
    ['a string instead of a list', { scopes: 'scp' }, /"scopes" must be a list of claim names/],
    ['a number claim', { clientId: [7] }, /"clientId" must be a list of claim names.*got 7/],
    ['an unknown key', { role: ['roles'] }, /unknown key "role" \(known: preset, scopes, roles, clientId\)/],
    ['a list', ['entra'], /must be a preset name .* or an object/],
  ])('refuses %s, saying how to fix it', (_name, value, message) => {
    expect(() => resolveClaimMapping(value)).toThrow(message);
  });
});

describe('a TokenVerifier with claim mappings', () => {
  it('refuses a bad mapping given in code with ERR_CONFIG_INVALID naming the issuer', () => {
    const build = () => new TokenVerifier({ issuers: [{ issuer: 'https://idp.example', claims: 'entraid' as 'entra' }], audience: 'x' });
    expect(build).toThrow(RampartError);
    expect(build).toThrow(/issuer "https:\/\/idp\.example": `claims` unknown preset "entraid"/);
  });

  it('reads scopes, roles and the client id where the mapping says, roles read-only', async () => {
    const key = await makeKey('ES256', 'ec-map');
    const verifier = new TokenVerifier({
      issuers: [{ issuer: 'https://idp.example', jwks: { keys: [key.publicJwk] }, claims: { preset: 'keycloak', roles: [['resource_access', 'orders', 'roles']] } }],
      audience: 'x',
    });
    const token = await mint(key, {
      iss: 'https://idp.example',
      aud: 'x',
      sub: 's',
      exp: nowSec() + 60,
      azp: 'orders',
      scope: 'a b',
      resource_access: { orders: { roles: ['writer'] } },
      realm_access: { roles: ['ignored'] },
    });
    const { principal } = await verifier.verify(token);
    expect(principal.clientId).toBe('orders');
    expect([...principal.scopes]).toEqual(['a', 'b']);
    expect([...(principal.roles ?? [])]).toEqual(['writer']);
    expect(() => (principal.roles as Set<string>).add('admin')).toThrow(TypeError);
  });
});
