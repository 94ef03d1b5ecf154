import { RampartError, Status, implementService } from '@rampart/core';
import { startTestApp, TEST_TRUST_DOMAIN, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Authenticated, RequireMtls } from '../../src/index.js';
import { VaultServiceDescriptor, type VaultServiceClient, type VaultServiceHandlers } from '../generated/index.js';
import { call, failed, KINDS } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// A service served by a plain object (implementService, issue 20 item 2): its auth decisions, given as values, are
// enforced through a real server over mutual TLS exactly as a decorated class's are, and an object without them
// does not start (default deny).

const ORDERS = `spiffe://${TEST_TRUST_DOMAIN}/orders`;
const ran: { method: string; subject: string | undefined }[] = [];

/** The vault's four handlers as a plain object; each records that it ran and for whom. */
const handlers: VaultServiceHandlers = {
  read(req, ctx) {
    ran.push({ method: 'read', subject: ctx.principal?.subject });
    return { name: req.name, value: ctx.principal?.subject ?? '' };
  },
  async *watch(req, ctx) {
    ran.push({ method: 'watch', subject: ctx.principal?.subject });
    yield { name: req.name, value: ctx.peer?.spiffeId ?? '' };
  },
  async store(secrets, ctx) {
    ran.push({ method: 'store', subject: ctx.principal?.subject });
    let stored = 0;
    for await (const _secret of secrets) stored += 1;
    return { stored };
  },
  async *exchange(secrets, ctx) {
    ran.push({ method: 'exchange', subject: ctx.principal?.subject });
    for await (const secret of secrets) yield { name: secret.name, value: secret.value.toUpperCase() };
  },
};

/** Every method: a workload certificate and a token with vault:read; store needs vault:write; only orders may watch. */
const PlainVault = implementService(VaultServiceDescriptor, handlers, {
  auth: [RequireMtls(), Authenticated({ scopes: ['vault:read'] })],
  methods: {
    store: [Authenticated({ scopes: ['vault:write'] })],
    watch: [RequireMtls({ allow: [ORDERS] })],
  },
});

let issuer: TestIssuer;
let t: TestApp;
let orders: VaultServiceClient;

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  t = await startTestApp(vaultApp([PlainVault], { issuer }));
  orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});
beforeEach(() => {
  ran.length = 0;
});

describe('a plain object served with implementService, through the auth pipeline', () => {
  it('plans each method with the decisions given as values, named after the service', () => {
    expect(t.app.authMatrix().map((m) => [m.handler, m.decisions.map((d) => `${d.kind}@${d.declaredOn ?? '?'}`), m.interceptors])).toEqual([
      ['VaultService.read', ['mtls@VaultService', 'token@VaultService'], ['rampart-auth']],
      ['VaultService.watch', ['token@VaultService', 'mtls@VaultService.watch'], ['rampart-auth']],
      ['VaultService.store', ['mtls@VaultService', 'token@VaultService.store'], ['rampart-auth']],
      ['VaultService.exchange', ['mtls@VaultService', 'token@VaultService'], ['rampart-auth']],
    ]);
  });

  it('a call with a valid token and certificate reaches the handler, which sees the principal', async () => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'vault:read' });
    expect(await orders.read({ name: 'db' }, withBearer(token))).toEqual({ name: 'db', value: 'alice' });
    expect(ran).toEqual([{ method: 'read', subject: 'alice' }]);
  });

  it.each(KINDS)('%s without a token → UNAUTHENTICATED, and the handler does not run', async (kind) => {
    const error = failed(await call(orders, kind, {}));
    expect(error.status).toBe(Status.UNAUTHENTICATED);
    expect(error.message).toBe('missing token');
    expect(ran).toEqual([]);
  });

  it('a valid token without a client certificate → UNAUTHENTICATED, and the handler does not run', async () => {
    const anonymous = await t.client(VaultServiceDescriptor);
    const token = await issuer.mint({}, { scope: 'vault:read vault:write' });
    for (const kind of KINDS) {
      expect(failed(await call(anonymous, kind, withBearer(token))).status).toBe(Status.UNAUTHENTICATED);
    }
    expect(ran).toEqual([]);
  });

  it("a method's own decision replaces the service-wide one of its kind: store needs vault:write, watch the orders workload", async () => {
    const reader = await issuer.mint({ sub: 'reader' }, { scope: 'vault:read' });
    const storing = failed(await call(orders, 'store', withBearer(reader)));
    expect([storing.status, storing.message]).toEqual([Status.PERMISSION_DENIED, 'insufficient scope']);
    const writer = await issuer.mint({ sub: 'writer' }, { scope: 'vault:write' });
    expect(await call(orders, 'store', withBearer(writer))).toEqual({ ok: true, values: ['2'] });

    const thief = await t.client(VaultServiceDescriptor, { as: '/thief' });
    const watching = failed(await call(thief, 'watch', withBearer(reader)));
    expect([watching.status, watching.message]).toEqual([Status.PERMISSION_DENIED, 'peer not allowed']);
    expect(await call(orders, 'watch', withBearer(reader))).toEqual({ ok: true, values: [ORDERS] });
    expect(ran).toEqual([
      { method: 'store', subject: 'writer' },
      { method: 'watch', subject: 'reader' },
    ]);
  });
});

describe('a plain object without auth decisions', () => {
  it('does not start: every method is named (default deny, checked at start-up)', async () => {
    const Undecided = implementService(VaultServiceDescriptor, handlers);
    const err = await startTestApp(vaultApp([Undecided])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RampartError);
    expect((err as RampartError).code).toBe('ERR_NO_AUTH_DECISION');
    expect((err as RampartError).message).toMatch(/^refusing to start: 4 problem\(s\)\n/);
    for (const [method, rpc] of [['read', 'Read'], ['watch', 'Watch'], ['store', 'Store'], ['exchange', 'Exchange']]) {
      expect((err as RampartError).message).toContain(
        `VaultService.${method} (rpc /rampart.authtest.v1.VaultService/${rpc}) has no auth decision`,
      );
    }
    expect(ran).toEqual([]);
  });
});
