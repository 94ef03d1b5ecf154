// The exchanged token's exp is clamped to the subject token's in the JWT the provider signs: the provider sets exp from
// its own clock when it serialises the token, a moment after the grant computed the lifetime, so across a second
// boundary it could land one second past the subject's. The clamp makes "never outlives it" exact.
import type { ClientCredentialsToken, StructuredJwt } from 'oidc-provider';
import { describe, expect, it } from 'vitest';
import { providerConfiguration } from '../src/provider-configuration.js';
import type { Delegation } from '../src/token-exchange.js';

type Customizer = (ctx: unknown, token: ClientCredentialsToken, jwt: StructuredJwt) => Promise<StructuredJwt>;

function customizerWith(token: ClientCredentialsToken, delegation: Delegation | undefined): Customizer {
  const delegations = new WeakMap<ClientCredentialsToken, Delegation>();
  if (delegation !== undefined) delegations.set(token, delegation);
  const configuration = providerConfiguration({ policies: new Map(), privateJwks: { keys: [] }, accessTokenTtlSec: 300, delegations });
  return (configuration.formats as { customizers: { jwt: Customizer } }).customizers.jwt;
}

describe('the exchanged token JWT', () => {
  const token = {} as ClientCredentialsToken;
  const delegation: Delegation = { sub: 'web', act: { sub: 'spiffe://test.rampart.dev/orders' }, notAfter: 1_000 };

  it('takes the subject token exp when the provider set a later one, and the caller as sub', async () => {
    const jwt = await customizerWith(token, delegation)(undefined, token, { header: undefined, payload: { sub: 'orders', exp: 1_001 } });
    expect(jwt.payload).toMatchObject({ sub: 'web', exp: 1_000 });
  });

  it('keeps an earlier exp, and sets one when the provider set none', async () => {
    const customize = customizerWith(token, delegation);
    expect((await customize(undefined, token, { header: undefined, payload: { exp: 900 } })).payload['exp']).toBe(900);
    expect((await customize(undefined, token, { header: undefined, payload: {} })).payload['exp']).toBe(1_000);
  });

  it('leaves a client credentials token (no delegation) alone', async () => {
    const jwt = await customizerWith(token, undefined)(undefined, token, { header: undefined, payload: { sub: 'orders', exp: 5_000 } });
    expect(jwt.payload).toEqual({ sub: 'orders', exp: 5_000 });
  });
});
