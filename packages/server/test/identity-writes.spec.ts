// Issue 20 item 6: who a call is (`ctx.principal`, `ctx.peer`, `ctx.verifiedBearer`) is read-only. Only an
// interceptor that enforces auth decisions gets the identity writer, each write happens once, and none after the
// call was admitted. An interceptor that assigns the fields fails the call closed: no handler runs.
import { createCa, issueCertificate } from '@rampart/pki';
import { RampartError, Status, type CallContext, type CallIdentityWriter, type Interceptor, type Principal } from '@rampart/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RampartApp } from '../src/index.js';
import type { InProcessInvoker } from '../src/internal.js';
import { probe } from './fixtures/echo-service.js';
import { inProcessEchoApp } from './fixtures/harness.js';

const principal = (subject: string): Principal => ({
  subject,
  issuer: 'urn:test',
  clientId: undefined,
  scopes: new Set(),
  actors: [],
  expiresAt: new Date(Date.now() + 60_000),
  claims: {},
});

const act = (ctx: CallContext): string => String(ctx.metadata.get('x-act')[0] ?? '');
const grantsSeen: Record<string, CallIdentityWriter | undefined> = {};
const seen: { principal: string | undefined; peer: string | undefined; bearer: string | undefined }[] = [];
const lateWrites: unknown[] = [];

/** Enforces a (test) decision kind, so the server grants it the identity writer. */
const enforcer: Interceptor = {
  name: 'enforcer',
  enforces: ['test-identity'],
  forMethod(_plan, { identity }) {
    grantsSeen.enforcer = identity;
    const writer = identity as CallIdentityWriter;
    return {
      onStart(ctx) {
        const what = act(ctx);
        if (what === 'authenticate' || what === 'authenticate-twice') writer.authenticate(ctx, principal('alice'));
        if (what === 'authenticate-twice') writer.authenticate(ctx, principal('mallory'));
        if (what === 'authenticate') writer.acceptBearer(ctx, 'compact.jws.value');
        if (what === 'withdraw') writer.withdrawPeer(ctx);
      },
      onEnd(ctx) {
        if (act(ctx) !== 'late') return;
        // The call was admitted and has ended: the writer must refuse, whoever holds it.
        for (const write of [() => writer.authenticate(ctx, principal('late')), () => writer.withdrawPeer(ctx), () => writer.acceptBearer(ctx, 'x')]) {
          try {
            write();
            lateWrites.push('written');
          } catch (error) {
            lateWrites.push(error);
          }
        }
      },
    };
  },
};

/** Enforces nothing: it reads who the call is, and (asked to) tries to change it by assignment. */
const reader: Interceptor = {
  name: 'reader',
  forMethod(_plan, { identity }) {
    grantsSeen.reader = identity;
    return {
      onStart(ctx) {
        const writable = ctx as { principal: unknown; peer: unknown; logger: unknown; verifiedBearer: unknown };
        const what = act(ctx);
        if (what === 'assign-principal') writable.principal = principal('mallory');
        if (what === 'assign-peer') writable.peer = undefined;
        if (what === 'assign-logger') writable.logger = console;
        if (what === 'assign-bearer') writable.verifiedBearer = 'stolen';
        if (what === 'assign-metadata') (ctx as { metadata: unknown }).metadata = { get: () => ['Bearer forged'] };
        if (what === 'find-writer') {
          const found = (ctx.constructor as unknown as Record<string, unknown>)['identityWriter'];
          if (found !== undefined) (found as CallIdentityWriter).authenticate(ctx, principal('mallory'));
        }
      },
      onEnd(ctx) {
        seen.push({ principal: ctx.principal?.subject, peer: ctx.peer?.spiffeId, bearer: ctx.verifiedBearer });
      },
    };
  },
};

let app: RampartApp;
let calls: InProcessInvoker;
let clientCert: string;
const PING = '/rampart.test.v1.PingService/Ping';
const withAct = (what: string, peerCertificate?: string) => ({ metadata: { 'x-act': what }, ...(peerCertificate ? { peerCertificate } : {}) });

beforeAll(async () => {
  const ca = await createCa({ commonName: 'identity test CA' });
  clientCert = (await issueCertificate(ca, { spiffeId: 'spiffe://test.rampart.dev/orders', usage: 'client' })).certPem;
  ({ app, calls } = await inProcessEchoApp('identity-test', [enforcer, reader]));
});
afterAll(() => app.close());
beforeEach(() => {
  probe.reset();
  seen.length = 0;
  lateWrites.length = 0;
});

describe('who a call is: read-only, written only by interceptors that enforce auth decisions', () => {
  it('grants the identity writer to the interceptor that declares `enforces`, and to no other', () => {
    expect(typeof grantsSeen.enforcer?.authenticate).toBe('function');
    expect(grantsSeen.reader).toBeUndefined();
  });

  it('an enforcing interceptor authenticates the call: later interceptors and the handler see the principal', async () => {
    const outcome = await calls.invoke(PING, {}, withAct('authenticate'));
    expect(outcome.status).toBe(Status.OK);
    expect(probe.calls).toEqual(['ping']);
    expect(seen).toEqual([{ principal: 'alice', peer: undefined, bearer: 'compact.jws.value' }]);
  });

  it('a second authenticate on one call fails the call closed (INTERNAL, no detail) and no handler runs', async () => {
    const outcome = await calls.invoke(PING, {}, withAct('authenticate-twice'));
    expect(outcome.status).toBe(Status.INTERNAL);
    expect(outcome.details).toBe('internal error');
    expect(probe.calls).toEqual([]);
    expect(seen).toEqual([{ principal: 'alice', peer: undefined, bearer: undefined }]);
  });

  it('the writer cannot be found through the context (only granted): a reader that looks for it changes nothing', async () => {
    const outcome = await calls.invoke(PING, {}, withAct('find-writer', clientCert));
    expect(outcome.status).toBe(Status.OK);
    expect(seen).toEqual([{ principal: undefined, peer: 'spiffe://test.rampart.dev/orders', bearer: undefined }]);
  });

  it.each(['assign-principal', 'assign-peer', 'assign-logger', 'assign-bearer', 'assign-metadata'])(
    '%s from an interceptor throws (the fields have no setter): the call fails closed and no handler runs',
    async (what) => {
      const outcome = await calls.invoke(PING, {}, withAct(what, clientCert));
      expect(outcome.status).toBe(Status.INTERNAL);
      expect(probe.calls).toEqual([]);
      expect(seen).toEqual([{ principal: undefined, peer: 'spiffe://test.rampart.dev/orders', bearer: undefined }]);
    },
  );

  it('withdrawPeer clears the peer the transport verified, for everything after it', async () => {
    const outcome = await calls.invoke(PING, {}, withAct('withdraw', clientCert));
    expect(outcome.status).toBe(Status.OK);
    expect(seen).toEqual([{ principal: undefined, peer: undefined, bearer: undefined }]);
  });

  it('once the call was admitted, every write is refused (ERR_INTERNAL naming the write), even by the enforcer', async () => {
    const outcome = await calls.invoke(PING, {}, withAct('late', clientCert));
    expect(outcome.status).toBe(Status.OK);
    expect(lateWrites).toHaveLength(3);
    for (const [i, write] of ['authenticate', 'withdrawPeer', 'acceptBearer'].entries()) {
      const error = lateWrites[i] as RampartError;
      expect(error).toBeInstanceOf(RampartError);
      expect(error.code).toBe('ERR_INTERNAL');
      expect(error.reason).toContain(`CallIdentityWriter.${write} refused: the call was already admitted`);
    }
    expect(seen).toEqual([{ principal: undefined, peer: 'spiffe://test.rampart.dev/orders', bearer: undefined }]);
  });

  it('the writer refuses a context the server did not make', () => {
    const forged = { principal: undefined } as unknown as CallContext;
    expect(() => grantsSeen.enforcer?.authenticate(forged, principal('mallory'))).toThrow(RampartError);
    expect(forged.principal).toBeUndefined();
  });
});
