import { GrpcService, Status, type CallContext } from '@rampart/core';
import { issueCertificate, type IssuedCertificate } from '@rampart/pki';
import { waitFor } from '@rampart/test-support';
import { startTestApp, TestIssuer, TEST_TRUST_DOMAIN, withBearer, type TestApp } from '@rampart/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Authenticated, RequireMtls } from '../../src/index.js';
import {
  VaultServiceDescriptor,
  type ReadRequest__Output,
  type Secret,
  type Secret__Output,
  type StoreResponse,
  type VaultServiceClient,
} from '../generated/index.js';
import { call, captureLogs, failed, LEVEL, type Kind } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 16 item 10: a stream lives no longer than the credentials it was allowed with. TLS checks a certificate's
// validity only at the handshake and an HTTP/2 connection can outlive it; a stream on it is ended at the client
// certificate's notAfter (UNAUTHENTICATED, audited), with or without a token.

/** How long a stream nothing ends runs before it finishes with OK: far past the short certificates of these tests. */
const STREAM_RUNS_MS = 15_000;

/** Runs of the handlers: which method, and whether its `ctx.signal` was aborted when it stopped. */
const runs: { method: string; aborted: boolean }[] = [];

/** Resolves when the call ends (its `ctx.signal` aborts) or after `ms`, whichever is first. */
const until = (ctx: CallContext, ms: number): Promise<void> => sleep(ms, undefined, { signal: ctx.signal }).catch(() => undefined);

/** A vault whose streams stay open until the call ends (or {@link STREAM_RUNS_MS}); `exchange` also needs a token. */
@GrpcService(VaultServiceDescriptor)
@RequireMtls()
class LongVault {
  read(req: ReadRequest__Output): Promise<Secret> {
    return Promise.resolve({ name: req.name, value: 'now' });
  }

  async *watch(req: ReadRequest__Output, ctx: CallContext): AsyncIterable<Secret> {
    for (let i = 0; !ctx.signal.aborted && i < STREAM_RUNS_MS / 50; i++) {
      yield { name: req.name, value: String(i) };
      await new Promise((r) => setTimeout(r, 50)); // a sleep on purpose: one message every 50 ms
    }
    runs.push({ method: 'watch', aborted: ctx.signal.aborted });
  }

  async store(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): Promise<StoreResponse> {
    let stored = 0;
    for await (const _secret of secrets) stored += 1;
    await until(ctx, STREAM_RUNS_MS);
    runs.push({ method: 'store', aborted: ctx.signal.aborted });
    return { stored };
  }

  @Authenticated({ scopes: ['vault:read'] })
  async *exchange(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): AsyncIterable<Secret> {
    for await (const secret of secrets) yield { name: secret.name, value: secret.value.toUpperCase() };
    await until(ctx, STREAM_RUNS_MS);
    runs.push({ method: 'exchange', aborted: ctx.signal.aborted });
  }
}

let issuer: TestIssuer;
let t: TestApp;
const logs = captureLogs('vault');

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  t = await startTestApp(vaultApp([LongVault], { issuer, logger: logs.logger }));
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});
beforeEach(() => {
  runs.length = 0;
  logs.clear();
});

/** A client presenting a certificate of `/orders` that expires `inMs` from now (whole seconds, as X.509 has). */
async function clientExpiringIn(inMs: number): Promise<{ client: VaultServiceClient; cert: IssuedCertificate }> {
  const cert = await issueCertificate(t.pki!.ca, {
    spiffeId: `spiffe://${TEST_TRUST_DOMAIN}/orders`,
    usage: 'client',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + inMs),
  });
  return { client: await t.client(VaultServiceDescriptor, { credentials: t.pki!.channelCredentials(cert) }), cert };
}

/** Makes the calls at once; checks that each ended at the certificate's notAfter, audited, after its handler ran. */
async function expectEndedAtNotAfter(cert: IssuedCertificate, calls: { kind: Kind; run: Promise<Error> }[]): Promise<void> {
  const notAfter = cert.notAfter.getTime();
  for (const { kind, run } of calls) {
    const error = await run;
    expect(error, kind).toMatchObject({ status: Status.UNAUTHENTICATED, code: 'ERR_UNAUTHENTICATED', message: 'client certificate expired' });
  }
  const ended = Date.now();
  // Not before the certificate expired; and well before the stream would have finished on its own.
  expect(ended).toBeGreaterThanOrEqual(notAfter);
  expect(ended - notAfter).toBeLessThan(STREAM_RUNS_MS - 5_000);
  await waitFor(() => runs.length >= calls.length, 'every handler to see the abort and record it');
  expect(runs.map((r) => r.method).sort()).toEqual(calls.map((c) => c.kind).sort());
  expect(runs.every((r) => r.aborted)).toBe(true);
  const audits = logs.audits().filter((a) => a.audit.decision === 'deny');
  expect(audits).toHaveLength(calls.length);
  for (const { audit, level } of audits) {
    expect(level).toBe(LEVEL.warn);
    expect(audit).toMatchObject({ reason: 'ERR_CERTIFICATE_EXPIRED', status: Status.UNAUTHENTICATED, peer: `spiffe://${TEST_TRUST_DOMAIN}/orders` });
    expect(audit.detail).toContain(`expired during the stream, at ${cert.notAfter.toISOString()}`);
  }
}

const outcome = async (p: ReturnType<typeof call>): Promise<Error> => {
  const result = await p;
  return result.ok ? new Error(`the stream finished with OK: ${result.values.length} values`) : failed(result);
};

describe('a stream ends when the client certificate it was allowed with expires', () => {
  it('server and client streams of an mTLS-only method, without a token: UNAUTHENTICATED at notAfter, audited', async () => {
    const { client, cert } = await clientExpiringIn(3_000);
    const calls = (['watch', 'store'] as const).map((kind) => ({ kind, run: outcome(call(client, kind, {})) }));
    await expectEndedAtNotAfter(cert, calls);
  });

  it('a bidi stream with a token that outlives the certificate: ended at the certificate notAfter, not at the token exp', async () => {
    const { client, cert } = await clientExpiringIn(3_000);
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'vault:read', expiresIn: 300 });
    await expectEndedAtNotAfter(cert, [{ kind: 'exchange', run: outcome(call(client, 'exchange', withBearer(token))) }]);
  });
});
