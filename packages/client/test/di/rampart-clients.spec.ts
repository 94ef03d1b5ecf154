import { type ConfigReader, type LifecycleHook, type PluginContext, type RampartPlugin } from '@rampart/core';
import { TestWorkloadApi } from '@rampart/spiffe/testing';
import { rampartErrorOf } from '@rampart/test-support';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServiceClient } from '@rampart/core';
import { clientOf, rampartClients } from '../../src/index.js';
import { EchoDescriptor, startEchoServer, writeEchoProto, type EchoServer, type EchoShape } from '../tls/support/echo-server.js';
import type { CertificateAuthority } from '@rampart/pki';
import { CLIENT_AUTH_DEFAULTS } from './client-auth-defaults.js';
import { BILLING, createCa, INVENTORY, issueCertificate, ORDERS, tempDir, writeClientFiles, type TempDir } from '../tls/support/pki-dir.js';

const noop = (): void => undefined;
/** Warnings and info lines the plugin logged: [fields, message]. */
const warnings: [unknown, string][] = [];
const infos: [unknown, string][] = [];
const logger = {
  trace: noop,
  debug: noop,
  info: (fields: unknown, message?: string) => void infos.push([fields, message ?? '']),
  warn: (fields: unknown, message?: string) => void warnings.push([fields, message ?? '']),
  error: noop,
  fatal: noop,
  child: () => logger,
  isLevelEnabled: () => false,
};

/** Registers the plugin with a config of plain values, runs its onInit hooks, and returns the container, onReload and onClose. */
async function register<M>(plugin: RampartPlugin<M>, values: Record<string, unknown>) {
  const hooks: Record<string, LifecycleHook[]> = {};
  // A config of plain values, standing in for a loaded one.
  const config: ConfigReader<M> = {
    get: (key) => {
      if (!(key in values)) throw new Error(`unexpected key ${key}`);
      return values[key] as never;
    },
    has: (key) => key in values,
  };
  const container = new Container();
  const ctx: PluginContext<M> = {
    appName: 'orders',
    container,
    config,
    logger,
    addInterceptor: noop,
    on: (event, hook) => void (hooks[event] ??= []).push(hook),
  };
  await plugin.register(ctx);
  for (const hook of hooks.onInit ?? []) await hook();
  const run = (event: string) => async () => {
    for (const hook of hooks[event] ?? []) await hook();
  };
  return { container, reload: run('onReload'), close: run('onClose') };
}

describe('rampartClients', () => {
  let tmp: TempDir;
  let protoRoot: string;
  const servers: EchoServer[] = [];
  let base: Record<string, unknown>;
  let ca: CertificateAuthority;

  beforeAll(async () => {
    tmp = await tempDir();
    protoRoot = await writeEchoProto(tmp);
    ca = await createCa({ commonName: 'clients plugin CA', validityDays: 1 });
    for (let i = 0; i < 2; i++) servers.push(await startEchoServer(protoRoot, await issueCertificate(ca, { spiffeId: INVENTORY, usage: 'server' }), ca));
    const files = await writeClientFiles(tmp, 'orders', ca, { spiffeId: ORDERS });
    base = {
      'transport.tls.certFile': files.certFile,
      'transport.tls.keyFile': files.keyFile,
      'transport.tls.caFile': files.caFile,
      'transport.tls.trustDomain': '',
      'transport.tls.federatedBundles': {},
      'transport.tls.refreshIntervalMs': 30_000,
      'transport.source': 'files',
      'auth.client.source': 'issuer',
      'auth.client.issuer': '',
      'auth.client.clientId': '',
      'auth.client.issuerCaFile': '',
      'auth.client.scopes': {},
      'auth.client.audienceParameter': 'resource',
      ...CLIENT_AUTH_DEFAULTS,
      'clients.inventory.expectedServerId': INVENTORY,
      'clients.inventory.allowUnpinnedServer': false,
      'clients.inventory.audience': '',
      'clients.inventory.defaultDeadlineMs': 5_000,
      'clients.inventory.keepaliveMs': 30_000,
      'clients.inventory.loadBalancingPolicy': 'round_robin',
      'clients.inventory.minResolutionIntervalMs': 30_000,
      'clients.inventory.retry.maxAttempts': 3,
      'clients.inventory.retry.initialBackoffMs': 100,
      'clients.inventory.retry.maxBackoffMs': 1_000,
      'clients.inventory.retry.backoffMultiplier': 2,
      'clients.inventory.retry.retryableStatusCodes': ['UNAVAILABLE'],
      'clients.inventory.retry.methods': [],
    };
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await tmp.remove();
  });

  it('binds a typed client under clientOf(descriptor), pinned to the server SPIFFE ID, round-robin over several addresses', async () => {
    const plugin = rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } });
    const address = `ipv4:${servers.map((s) => `127.0.0.1:${s.port}`).join(',')}`;
    const { container, close } = await register(plugin, { ...base, 'clients.inventory.address': address });
    try {
      const client = container.get<ServiceClient<EchoShape>>(clientOf(EchoDescriptor));
      const before = servers.map((s) => s.calls);
      for (let i = 0; i < 10; i++) expect((await client.whoAmI({})).peerSpiffeId).toBe(ORDERS);
      const served = servers.map((s, i) => s.calls - (before[i] ?? 0));
      expect(served.reduce((a, b) => a + b, 0)).toBe(10);
      expect(served.every((n) => n > 0)).toBe(true);
    } finally {
      await close();
    }
  });

  it('clients.<name>.loadBalancingPolicy pick_first keeps every call on one address', async () => {
    const plugin = rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } });
    const address = `ipv4:${servers.map((s) => `127.0.0.1:${s.port}`).join(',')}`;
    const { container, close } = await register(plugin, { ...base, 'clients.inventory.address': address, 'clients.inventory.loadBalancingPolicy': 'pick_first' });
    try {
      const client = container.get<ServiceClient<EchoShape>>(clientOf(EchoDescriptor));
      const before = servers.map((s) => s.calls);
      for (let i = 0; i < 10; i++) await client.whoAmI({});
      expect(servers.map((s, i) => s.calls - (before[i] ?? 0)).sort()).toEqual([0, 10]);
    } finally {
      await close();
    }
  });

  it("re-reads the workload's certificate, key and trust bundle at the app's onReload (SIGHUP), and not before", async () => {
    // Connections last 200 ms, so calls soon run on a new connection and present whatever the channel holds then.
    const server = await startEchoServer(protoRoot, await issueCertificate(ca, { spiffeId: INVENTORY, usage: 'server' }), ca, { 'grpc.max_connection_age_ms': 200 });
    servers.push(server);
    const files = await writeClientFiles(tmp, 'reloading', ca, { spiffeId: ORDERS });
    const { container, reload, close } = await register(rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } }), {
      ...base,
      'transport.tls.certFile': files.certFile,
      'transport.tls.keyFile': files.keyFile,
      'transport.tls.caFile': files.caFile,
      'transport.tls.refreshIntervalMs': 3_600_000,
      'clients.inventory.address': `127.0.0.1:${server.port}`,
    });
    try {
      const client = container.get<ServiceClient<EchoShape>>(clientOf(EchoDescriptor));
      const seen = async (): Promise<string> => (await client.whoAmI({})).peerSpiffeId;
      expect(await seen()).toBe(ORDERS);
      const rotated = await issueCertificate(ca, { spiffeId: BILLING, usage: 'client' });
      await tmp.write('reloading-key.pem', rotated.keyPem);
      await tmp.write('reloading.pem', rotated.certPem);
      await new Promise((resolve) => setTimeout(resolve, 600)); // three connection lifetimes: no refresh in an hour
      expect(await seen()).toBe(ORDERS);

      infos.length = 0;
      await reload();
      expect(infos).toEqual([
        [{ serialNumber: rotated.serialNumber.toUpperCase(), notAfter: expect.any(String) }, 'client certificate reloaded'],
        [{ targets: { inventory: { certificate: { result: 'changed' }, trustBundles: { result: 'unchanged' } } } }, 'client TLS files re-read'],
      ]);
      await vi.waitFor(async () => expect(await seen()).toBe(BILLING), { timeout: 5_000, interval: 50 });
    } finally {
      await close();
    }
  });

  it.each([
    [{ 'clients.inventory.retry.maxAttempts': 6 }, /^clients\.inventory\.retry\.maxAttempts is 6\. Fix: set it to 1 \(no retries\) \.\. 5/],
    [{ 'clients.inventory.retry.methods': ['Nope'] }, /^clients\.inventory\.retry\.methods names Nope, not a method of the service\. Fix: use the \.proto method names: WhoAmI/],
    [{ 'clients.inventory.retry.retryableStatusCodes': ['UNAVAILABLE', 'OOPS'] }, /^clients\.inventory\.retry\.retryableStatusCodes holds OOPS, not a gRPC status name/],
    [{ 'clients.inventory.retry.maxBackoffMs': 10 }, /^clients\.inventory\.retry\.maxBackoffMs is 10, below initialBackoffMs \(100\)/],
  ])('a bad retry setting %o stops start-up naming it', async (bad, message) => {
    const plugin = rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } });
    await expect(register(plugin, { ...base, 'clients.inventory.address': `127.0.0.1:${servers[0]!.port}`, ...bad })).rejects.toThrow(message);
  });

  it('refuses a server with another identity, through the configured pin', async () => {
    const plugin = rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } });
    const { container, close } = await register(plugin, {
      ...base,
      'clients.inventory.address': `127.0.0.1:${servers[0]!.port}`,
      'clients.inventory.expectedServerId': 'spiffe://demo.rampart.dev/payments',
    });
    try {
      const error = await rampartErrorOf(container.get<ServiceClient<EchoShape>>(clientOf(EchoDescriptor)).whoAmI({}));
      expect(error.message).toContain(`expected spiffe://demo.rampart.dev/payments, got ${INVENTORY}`);
    } finally {
      await close();
    }
  });

  it('names the missing setting when a target has no address, or an audience without an issuer', async () => {
    const plugin = rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } });
    await expect(register(plugin, { ...base, 'clients.inventory.address': '' })).rejects.toThrow(/clients\.inventory\.address is not set/);
    const err = await rampartErrorOf(register(rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } }), {
      ...base,
      'clients.inventory.address': '127.0.0.1:1',
      'clients.inventory.audience': INVENTORY,
    }));
    expect(err.message).toContain('clients.inventory.audience is set but no token source is: set RAMPART_AUTH_CLIENT_ISSUER');
  });

  it('with JWT-SVIDs for tokens, stops start-up when no JWT bundles come from the Workload API in time (never serves with a token source that cannot recover)', async () => {
    const agent = await TestWorkloadApi.start({ identities: [{ spiffeId: ORDERS }] });
    await agent.stop(); // the agent is away while the app starts
    try {
      const error = await rampartErrorOf(
        register(rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } }), {
          ...base,
          'transport.source': 'files',
          'transport.workloadApi.address': agent.address,
          'transport.workloadApi.svidHint': '',
          'transport.tls.loadTimeoutMs': 300,
          'auth.client.source': 'workload-api',
          'clients.inventory.address': `127.0.0.1:${servers[0]!.port}`,
          'clients.inventory.audience': INVENTORY,
        }),
      );
      expect(error.code).toBe('ERR_UNAVAILABLE');
      expect(error.message).toContain(`no JWT bundles from the Workload API at ${agent.address} within 300 ms`);
    } finally {
      await agent.close();
    }
  });

  it('refuses a token cache with no room, naming the setting', async () => {
    const err = await rampartErrorOf(register(rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } }), {
      ...base,
      'auth.client.issuer': 'https://issuer.example',
      'auth.client.clientId': ORDERS,
      'auth.client.tokenCacheMaxEntries': 0,
      'clients.inventory.address': '127.0.0.1:1',
    }));
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.message).toMatch(/^auth\.client\.tokenCacheMaxEntries is 0: .* Fix: set RAMPART_AUTH_CLIENT_TOKEN_CACHE_MAX_ENTRIES to 1 or more/);
  });

  it('refuses per-audience scopes with audienceParameter=scope, naming both settings and the fix', async () => {
    const err = await rampartErrorOf(register(rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } }), {
      ...base,
      'auth.client.issuer': 'https://issuer.example',
      'auth.client.clientId': ORDERS,
      'auth.client.audienceParameter': 'scope',
      'auth.client.tokenCacheMaxEntries': 100,
      'auth.client.scopes': { inventory: ['inventory:reserve'] },
      'clients.inventory.address': '127.0.0.1:1',
    }));
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.message).toMatch(/^auth\.client\.scopes is set but auth\.client\.audienceParameter is scope.* Fix: empty RAMPART_AUTH_CLIENT_SCOPES/);
  });

  describe('a target that is sent tokens must pin the server (issue 16 item 8)', () => {
    const tokenValues = () => ({
      ...base,
      'clients.inventory.address': `localhost:${servers[0]!.port}`,
      'clients.inventory.audience': INVENTORY,
      'clients.inventory.expectedServerId': '',
      'auth.client.issuer': 'https://127.0.0.1:1',
      'auth.client.clientId': 'orders',
      'auth.client.tokenCacheMaxEntries': 100,
    });

    it('stops start-up without expectedServerId, naming the setting, its variable and the fix', async () => {
      warnings.length = 0;
      const err = await rampartErrorOf(register(rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } }), tokenValues()));
      expect(err.code).toBe('ERR_CONFIG_INVALID');
      expect(err.message).toBe(
        `clients.inventory.expectedServerId is not set, but inventory is sent tokens (clients.inventory.audience is ${INVENTORY}): ` +
          'without a pinned SPIFFE ID, any server whose certificate names the host would receive them. ' +
          'Fix: set clients.inventory.expectedServerId (RAMPART_CLIENTS_INVENTORY_EXPECTED_SERVER_ID) to the SPIFFE ID inventory presents, ' +
          'or, to rely on the hostname check alone, set clients.inventory.allowUnpinnedServer=true',
      );
      expect(warnings).toEqual([]);
    });

    it('starts with allowUnpinnedServer, warns naming the setting, and checks the server by host name only', async () => {
      warnings.length = 0;
      const { container, close } = await register(rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } }), {
        ...tokenValues(),
        'clients.inventory.allowUnpinnedServer': true,
      });
      try {
        expect(warnings).toHaveLength(1);
        expect(warnings[0]?.[0]).toMatchObject({ setting: 'clients.inventory.allowUnpinnedServer', target: 'inventory', audience: INVENTORY });
        expect(warnings[0]?.[1]).toContain('clients.inventory.expectedServerId is not set');
        // Tokens are asked for, to be sent to whatever server passes the hostname check (the fetch fails: no issuer here).
        const error = await rampartErrorOf(container.get<ServiceClient<EchoShape>>(clientOf(EchoDescriptor)).whoAmI({}));
        expect(error.message).toContain(`could not get a token for ${INVENTORY}`);
      } finally {
        await close();
      }
    });

    it('needs no pin for a target that is sent no tokens', async () => {
      warnings.length = 0;
      const { close } = await register(rampartClients({ inventory: { descriptor: EchoDescriptor, protoRoot } }), {
        ...base,
        'clients.inventory.address': `localhost:${servers[0]!.port}`,
        'clients.inventory.expectedServerId': '',
      });
      await close();
      expect(warnings).toEqual([]);
    });
  });
});
