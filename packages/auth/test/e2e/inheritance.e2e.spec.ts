import { RampartError, Status } from '@rampart/core';
import { startTestApp, TestIssuer, withBearer, type TestApp, type TestAppOptions } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { call, captureLogs, failed, KINDS, LEVEL } from './e2e-support.js';
import { asked, AuditedVault, DoublyAuthenticatedVault, LockedVault, ORDERS, ran } from './inheritance-vaults.js';
import { vaultApp } from './vault-app.js';

// Issue 16 item 3, through a real server over TLS (ephemeral CA) with the auth plugin and a TestIssuer: service
// classes that inherit their protection. Every refusal asserts the status and wire message, the audit line's
// reason, and that no handler ran.

const READ = VaultServiceDescriptor.methods.read.path;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
});
afterAll(async () => {
  await issuer?.stop();
});
beforeEach(() => {
  ran.length = 0;
  asked.length = 0;
});

function start(services: TestAppOptions['services'], logs: ReturnType<typeof captureLogs>): Promise<TestApp> {
  return startTestApp(vaultApp(services, { issuer, logger: logs.logger }));
}

describe('attack 1: a subclass adding @Authorize keeps its base class @RequireMtls and @Authenticated', () => {
  const logs = captureLogs('vault');
  let t: TestApp;
  const clients = {} as Record<'orders' | 'thief' | 'anonymous', VaultServiceClient>;

  beforeAll(async () => {
    t = await start([AuditedVault], logs);
    clients.orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
    clients.thief = await t.client(VaultServiceDescriptor, { as: '/thief' });
    clients.anonymous = await t.client(VaultServiceDescriptor);
  });
  afterAll(() => t?.close());
  beforeEach(() => logs.clear());

  it('every method carries the base decisions and the subclass policy', () => {
    expect(t.app.authMatrix().map((e) => e.decisions.map((d) => `${d.kind}@${d.declaredOn ?? '?'}`))).toEqual(
      KINDS.map(() => ['mtls@GuardedVaultBase', 'token@GuardedVaultBase', 'policy@AuditedVault']),
    );
  });

  it.each(KINDS)('%s: no certificate and no token → UNAUTHENTICATED, audited, no handler', async (kind) => {
    const err = failed(await call(clients.anonymous, kind, {}));
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(err.message).toBe('client certificate required');
    expect(ran).toEqual([]);
    expect(asked).toEqual([]);
    const [line, ...more] = logs.audits();
    expect(more).toEqual([]);
    expect(line?.audit).toMatchObject({ method: VaultServiceDescriptor.methods[kind].path, decision: 'deny', reason: 'ERR_NO_CLIENT_CERTIFICATE' });
    expect(line?.level).toBe(LEVEL.warn);
  });

  it.each(KINDS)('%s: the allowed workload without a token → UNAUTHENTICATED, audited, no handler', async (kind) => {
    const err = failed(await call(clients.orders, kind, {}));
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(err.message).toBe('missing token');
    expect(ran).toEqual([]);
    expect(logs.audits().map((l) => [l.audit.reason, l.audit.peer])).toEqual([['ERR_TOKEN_MISSING', ORDERS]]);
  });

  it('another workload with a valid token → PERMISSION_DENIED (the base allow list holds), no handler', async () => {
    const token = await issuer.mint({ sub: 'thief' }, { scope: 'vault:read' });
    const err = failed(await call(clients.thief, 'read', withBearer(token)));
    expect(err.status).toBe(Status.PERMISSION_DENIED);
    expect(err.message).toBe('peer not allowed');
    expect(ran).toEqual([]);
    expect(logs.audits().map((l) => l.audit.reason)).toEqual(['ERR_PEER_NOT_ALLOWED']);
  });

  it.each(KINDS)('%s: the allowed workload with a token passes all three levels: the handler runs after the policy', async (kind) => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'vault:read' });
    const outcome = await call(clients.orders, kind, withBearer(token));
    expect(outcome.ok).toBe(true);
    expect(ran).toEqual([kind]);
    expect(asked).toEqual([VaultServiceDescriptor.methods[kind].name]);
    expect(logs.audits().map((l) => [l.audit.decision, l.audit.subject])).toEqual([['allow', 'alice']]);
  });
});

describe("attack 2: an undecorated override of a base method marked @Public() gets the subclass's @RequireMtls", () => {
  const logs = captureLogs('vault');
  let t: TestApp;

  beforeAll(async () => {
    t = await start([LockedVault], logs);
  });
  afterAll(() => t?.close());
  beforeEach(() => logs.clear());

  it('no certificate → UNAUTHENTICATED, audited, the override never runs', async () => {
    const anonymous = await t.client(VaultServiceDescriptor);
    const err = failed(await call(anonymous, 'read', {}));
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(err.message).toBe('client certificate required');
    expect(ran).toEqual([]);
    expect(logs.audits().map((l) => [l.audit.method, l.audit.decision, l.audit.reason])).toEqual([
      [READ, 'deny', 'ERR_NO_CLIENT_CERTIFICATE'],
    ]);
  });

  it('another workload → PERMISSION_DENIED, no handler; the allowed workload reaches the override', async () => {
    const thief = await t.client(VaultServiceDescriptor, { as: '/thief' });
    expect(failed(await call(thief, 'read', {})).status).toBe(Status.PERMISSION_DENIED);
    expect(ran).toEqual([]);
    const orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
    expect(await call(orders, 'read', {})).toEqual({ ok: true, values: [`for ${ORDERS}`] });
    expect(ran).toEqual(['override', 'read']);
    expect(logs.audits().map((l) => l.audit.reason)).toEqual(['ERR_PEER_NOT_ALLOWED', 'ok']);
  });
});

describe('two @Authenticated from different classes of the chain', () => {
  it('stop start-up, naming the method and where each was written', async () => {
    const err = await start([DoublyAuthenticatedVault], captureLogs('vault')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RampartError);
    expect((err as RampartError).code).toBe('ERR_AUTH_CONFLICT');
    expect((err as RampartError).message).toContain(
      `DoublyAuthenticatedVault.read (rpc ${READ}) has 2 @Authenticated decorators (on GuardedVaultBase, DoublyAuthenticatedVault), and a method takes one`,
    );
  });

  it('are listed with the app\'s other start-up problems, not alone', async () => {
    class NotAService {}
    const err = await start([DoublyAuthenticatedVault, NotAService], captureLogs('vault')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as RampartError).message).toMatch(/^refusing to start: 5 problem\(s\)\n/);
    expect((err as RampartError).message).toContain(`DoublyAuthenticatedVault.read (rpc ${READ}) has 2 @Authenticated decorators`);
    expect((err as RampartError).message).toContain('class NotAService is bound to no service: decorate it with @GrpcService(descriptor)');
  });
});
