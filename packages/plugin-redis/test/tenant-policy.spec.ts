// The custom-policy example from docs/guides/plugin-examples.md: a plugin that adds an authorization stage (the token's
// `tenant` claim against the `x-tenant` request metadata) without touching framework code. Needs no Redis.
import { rampartAuth } from '@rampart/auth';
import { resolveStages } from '@rampart/auth/stages';
import { Status } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { startTestApp, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerServiceDescriptor, type LedgerServiceClient } from './generated/index.js';
import { tenantPolicy } from './examples/tenant-plugin.js';
import { LedgerService } from './support/ledger-service.js';
import { recordingLogger } from './support/log-lines.js';
import { protoRoot } from './support/replicas.js';

let issuer: TestIssuer;
let t: TestApp;
let ledger: LedgerServiceClient;
const log = recordingLogger('ledger');

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'ledger' });
  t = await startTestApp({
    name: 'ledger',
    services: [LedgerService],
    protos: { root: protoRoot },
    plugins: [tenantPolicy(), rampartAuth()],
    values: { auth: { tokens: { issuer: issuer.url, audience: 'ledger' } } },
    logger: log.logger,
  });
  ledger = await t.client(LedgerServiceDescriptor, { as: '/orders' });
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});

const forTenant = (token: string, tenant?: string) =>
  withBearer(token, tenant === undefined ? {} : { metadata: { 'x-tenant': tenant } });

describe('the tenant-policy example plugin', () => {
  it('registers after rampart-auth (its dependency) and runs after the built-in authorization', () => {
    expect(resolveStages(t.app.container).map((s) => s.name).slice(-3)).toEqual(['authorization', 'tenant', 'one-time-use']);
  });

  it('lets a token of tenant acme act for acme', async () => {
    const token = await issuer.mint({ sub: 'alice', tenant: 'acme' }, { scope: 'ledger:read' });
    expect(await ledger.balance({ account: 'a' }, forTenant(token, 'acme'))).toEqual({ account: 'a', subject: 'alice', tenant: 'acme' });
  });

  it('refuses a token of acme used for globex with PERMISSION_DENIED, saying why only in the audit log', async () => {
    const token = await issuer.mint({ sub: 'alice', tenant: 'acme' }, { scope: 'ledger:read' });
    const err = await rampartErrorOf(ledger.balance({ account: 'a' }, forTenant(token, 'globex')));
    expect(err.status).toBe(Status.PERMISSION_DENIED);
    expect(err.message).toBe('permission denied');
    const audit = log.lines.map((l) => l.audit as { reason: string; detail?: string } | undefined).filter((a) => a?.reason === 'ERR_POLICY_DENIED');
    expect(audit.at(-1)?.detail).toBe('tenant: token of tenant acme used for tenant globex');
  });

  it('refuses a token without a tenant claim, and a call without x-tenant', async () => {
    const untenanted = await issuer.mint({ sub: 'bob' }, { scope: 'ledger:read' });
    expect((await rampartErrorOf(ledger.balance({ account: 'a' }, forTenant(untenanted, 'acme')))).status).toBe(Status.PERMISSION_DENIED);
    const token = await issuer.mint({ sub: 'alice', tenant: 'acme' }, { scope: 'ledger:read' });
    expect((await rampartErrorOf(ledger.balance({ account: 'a' }, forTenant(token)))).status).toBe(Status.PERMISSION_DENIED);
  });

  it('runs only once the token is valid: a missing scope is still reported as such', async () => {
    const token = await issuer.mint({ sub: 'alice', tenant: 'acme' }, { scope: 'other' });
    const err = await rampartErrorOf(ledger.balance({ account: 'a' }, forTenant(token, 'globex')));
    expect(err.message).toBe('insufficient scope');
  });

  it('is the code shown in docs/guides/plugin-examples.md', () => {
    const guide = readFileSync(new URL('../../../docs/guides/plugin-examples.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./examples/tenant-plugin.ts', import.meta.url), 'utf8');
    const block = /<!-- example: tenant-plugin -->\n```ts\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(block).toBe(example);
  });
});
