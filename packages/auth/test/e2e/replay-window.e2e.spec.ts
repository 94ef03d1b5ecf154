import { Status, type ClientCallOptions } from '@rampart/core';
import { startTestApp, TestIssuer, type TestApp } from '@rampart/testing';
import { Container } from 'inversify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryReplayStore, rampartAuth, TokenVerifier } from '../../src/index.js';
import { AUTH_TOKENS } from '../../src/stages.js';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { attackVault } from './attack-vault.js';
import { call, captureLogs, expectNoTokenIn, failed, LEVEL } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 16, item 2: a one-time token is accepted until exp + clock tolerance, so its jti must be kept that long. A
// real server over mTLS; the verifier and the in-memory replay store share a clock the test moves (no sleeps), so
// the replays land exactly at exp + 1 s and at exp + tolerance - 1 s.

const EXCHANGE = VaultServiceDescriptor.methods.exchange.path;
const TOLERANCE_SEC = 30;

let now = Date.now();
const clock = (): number => now;
let issuer: TestIssuer;
let t: TestApp;
let orders: VaultServiceClient;
let vault: ReturnType<typeof attackVault>;
const logs = captureLogs('vault');

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  vault = attackVault(issuer.url);
  const verifier = new TokenVerifier({
    issuers: [{ issuer: issuer.url }],
    audience: 'vault',
    clockToleranceSec: TOLERANCE_SEC,
    now: clock,
  });
  const container = new Container();
  container.bind(AUTH_TOKENS.ReplayStore).toConstantValue(new InMemoryReplayStore(1_000, clock));
  t = await startTestApp(vaultApp([vault.AttackVault], { plugins: [rampartAuth({ verifier })], container, logger: logs.logger }));
  orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});
beforeEach(() => {
  now = Date.now();
  vault.ran.length = 0;
  logs.clear();
});

const bearer = (token: string): ClientCallOptions => ({ metadata: { authorization: `Bearer ${token}` } });

/** A one-time token for `exchange`, expiring at `expSec`. */
const oneTime = (expSec: number): Promise<string> => issuer.mint({ sub: 'orders-client', exp: expSec }, { scope: 'vault:read' });

/** Calls `exchange` at `atMs` on the shared clock. */
const exchangeAt = (atMs: number, token: string) => {
  now = atMs;
  return call(orders, 'exchange', bearer(token));
};

/** Asserts the call was refused with `reason`, by one warn audit line, before the handler. */
function expectRefused(outcome: Awaited<ReturnType<typeof call>>, reason: string, detail: RegExp, token: string): void {
  const error = failed(outcome);
  // The precise reason (expired, replayed, …) stays in the audit: the caller gets the status's own code.
  expect({ status: error.status, code: error.code, details: error.message }).toEqual({
    status: Status.UNAUTHENTICATED,
    code: 'ERR_UNAUTHENTICATED',
    details: reason === 'ERR_TOKEN_EXPIRED' ? 'token expired' : 'invalid token',
  });
  expect(vault.ran, 'the handler ran').toEqual([]);
  const audits = logs.audits();
  expect(audits).toHaveLength(1);
  expect(audits[0]?.audit).toMatchObject({ method: EXCHANGE, decision: 'deny', reason, status: Status.UNAUTHENTICATED });
  expect(audits[0]?.audit.detail).toMatch(detail);
  expect(audits[0]?.level).toBe(LEVEL.warn);
  expectNoTokenIn(logs.lines, token);
}

describe('one-time tokens past exp, within the clock tolerance', () => {
  it('a replay at exp + 1 s and at exp + tolerance - 1 s is refused as a replay', async () => {
    const exp = Math.floor(now / 1000) + 60;
    const token = await oneTime(exp);
    expect(await exchangeAt(now, token)).toEqual({ ok: true, values: ['X', 'Y'] });

    for (const after of [1, TOLERANCE_SEC - 1]) {
      vault.ran.length = 0;
      logs.clear();
      expectRefused(await exchangeAt((exp + after) * 1000, token), 'ERR_TOKEN_REPLAYED', /jti .* was already used/, token);
    }
  });

  it('control: an unused token is still accepted at exp + tolerance - 1 s, so the refusal above is the replay store', async () => {
    const exp = Math.floor(now / 1000) + 60;
    const token = await oneTime(exp);
    expect(await exchangeAt((exp + TOLERANCE_SEC - 1) * 1000, token)).toEqual({ ok: true, values: ['X', 'Y'] });
    expect(vault.ran.map((r) => r.method)).toEqual(['exchange']);
  });

  it('control: at exp + tolerance the token is refused as expired', async () => {
    const exp = Math.floor(now / 1000) + 60;
    const token = await oneTime(exp);
    expect(await exchangeAt(now, token)).toEqual({ ok: true, values: ['X', 'Y'] });
    vault.ran.length = 0;
    logs.clear();
    expectRefused(await exchangeAt((exp + TOLERANCE_SEC) * 1000, token), 'ERR_TOKEN_EXPIRED', /exp/, token);
  });
});
