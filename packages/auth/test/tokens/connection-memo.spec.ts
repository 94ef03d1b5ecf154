import type { CallContext, PeerIdentity } from '@rampart/core';
import { rejectionOf } from '@rampart/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenStage } from '../../src/pipeline/token-stage.js';
import { fastPathOf } from '../../src/tokens/token-verifier.js';
import type { AuthCallState, StageCheck } from '../../src/pipeline/stage.js';
import { TokenVerifier, type TokenVerifierOptions } from '../../src/index.js';
import { callContext, fakeIdentity, method, peerWith } from '../mtls/fakes.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { makeKey, mint, nowSec, type TestKey } from './support/keys.js';

// The token stage remembers, per connection (its peer identity object), the last authorization value verified on it
// (ADR 0008). These tests check that the memo skips nothing that must be checked per call.

let server: JwksServer;
let key: TestKey;
let clockMs = Date.now();
const now = (): number => clockMs;

beforeAll(async () => {
  key = await makeKey('ES256', 'ec-1');
  server = await startJwksServer([key.publicJwk]);
});
afterAll(() => server.close());
afterEach(() => {
  vi.restoreAllMocks();
  clockMs = Date.now();
});

const verifierWith = (options: Partial<TokenVerifierOptions> = {}) =>
  new TokenVerifier({ issuers: [{ issuer: server.url }], audience: 'inventory', now, ...options });
const token = (claims: object = {}) => mint(key, { iss: server.url, aud: 'inventory', ...claims });

function stageCheck(verifier: TokenVerifier, audience?: string): StageCheck {
  const check = new TokenStage(verifier).plan({
    method: method('Pay', 'pay'),
    decisions: [],
    mtls: [],
    token: audience === undefined ? {} : { audience },
    policies: [],
  }, fakeIdentity);
  if (check === undefined) throw new Error('the token stage planned no check');
  return check;
}

/** A call on the connection of `peer` bringing `authorization` (a fresh string each call, as off the wire). */
function call(peer: PeerIdentity | undefined, authorization: string): CallContext {
  const ctx = callContext(peer);
  const value = `${authorization.slice(0, 1)}${authorization.slice(1)}`;
  return { ...ctx, metadata: { get: (key: string) => (key === 'authorization' ? [value] : []) } };
}

async function run(check: StageCheck, ctx: CallContext): Promise<AuthCallState> {
  const state: AuthCallState = { token: undefined };
  await check(ctx, state);
  return state;
}

describe('the per-connection memo of the last verified bearer value', () => {
  it('a second call with the same value on the same connection is decided without parsing, hashing or the cache', async () => {
    const verifier = verifierWith();
    const check = stageCheck(verifier);
    const connection = peerWith(['spiffe://example.org/orders']);
    const bearer = `Bearer ${await token()}`;
    const entries = vi.spyOn(fastPathOf(verifier), 'entry');
    const first = await run(check, call(connection, bearer));
    expect(entries).toHaveBeenCalledTimes(1);
    const ctx = call(connection, bearer);
    const second = check(ctx, { token: undefined });
    expect(second).toBeUndefined(); // decided synchronously
    expect(entries).toHaveBeenCalledTimes(1);
    expect(ctx.principal).toBe(first.token?.principal);
  });

  it('is per connection: the same value on another connection, or without a certificate, goes through the cache', async () => {
    const verifier = verifierWith();
    const check = stageCheck(verifier);
    const bearer = `Bearer ${await token()}`;
    const entries = vi.spyOn(fastPathOf(verifier), 'entry');
    await run(check, call(peerWith(['spiffe://example.org/orders']), bearer));
    await run(check, call(peerWith(['spiffe://example.org/orders']), bearer));
    await run(check, call(undefined, bearer));
    await run(check, call(undefined, bearer));
    expect(entries).toHaveBeenCalledTimes(4);
  });

  it('still checks expiry on every call: a remembered token past its exp is refused', async () => {
    const verifier = verifierWith({ clockToleranceSec: 0 });
    const check = stageCheck(verifier);
    const connection = peerWith(['spiffe://example.org/orders']);
    const bearer = `Bearer ${await token({ exp: nowSec() + 30 })}`;
    await run(check, call(connection, bearer));
    clockMs += 31_000;
    const error = await rejectionOf(run(check, call(connection, bearer)));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });

  it("still checks each method's audience: a token remembered for one method is refused by another with its own audience", async () => {
    const verifier = verifierWith();
    const inventory = stageCheck(verifier);
    const billing = stageCheck(verifier, 'billing');
    const connection = peerWith(['spiffe://example.org/orders']);
    const bearer = `Bearer ${await token()}`;
    await run(inventory, call(connection, bearer));
    const ctx = call(connection, bearer);
    const error = await rejectionOf(run(billing, ctx));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_INVALID', reason: expect.stringMatching(/claim "aud" check_failed/) as unknown });
    expect(ctx.principal).toBeUndefined();
  });

  it('a different value on the connection is verified in full (a forged token gets no free pass) and replaces the memo', async () => {
    const verifier = verifierWith();
    const check = stageCheck(verifier);
    const connection = peerWith(['spiffe://example.org/orders']);
    const good = await token({ sub: 'first' });
    await run(check, call(connection, `Bearer ${good}`));
    const [header, payload] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload as string, 'base64url').toString()), sub: 'admin' })).toString('base64url');
    const forged = `${header}.${forgedPayload}.${good.split('.')[2]}`;
    const error = await rejectionOf(run(check, call(connection, `Bearer ${forged}`)));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_INVALID' });
    const other = await token({ sub: 'second' });
    expect((await run(check, call(connection, `Bearer ${other}`))).token?.principal.subject).toBe('second');
    const entries = vi.spyOn(fastPathOf(verifier), 'entry');
    expect((await run(check, call(connection, `Bearer ${good}`))).token?.principal.subject).toBe('first');
    expect(entries).toHaveBeenCalledTimes(1);
  });

  it('is off when the verified-token cache is off (cacheMax 0): every call verifies', async () => {
    const verifier = verifierWith({ cacheMax: 0 });
    const check = stageCheck(verifier);
    const connection = peerWith(['spiffe://example.org/orders']);
    const bearer = `Bearer ${await token()}`;
    const signatures = vi.spyOn(crypto.subtle, 'verify');
    await run(check, call(connection, bearer));
    await run(check, call(connection, bearer));
    expect(signatures).toHaveBeenCalledTimes(2);
  });
});
