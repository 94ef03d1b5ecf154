import { credentials as grpcCredentials } from '@grpc/grpc-js';
import { GrpcService, Status, type CallContext } from '@rampart/core';
import { closeClient, createClient, createWorkloadApiChannelCredentials, JwtSvidTokens } from '@rampart/client';
import { createApp, type CreateAppOptions, type RampartApp } from '@rampart/server';
import { leaseJwtSource } from '@rampart/spiffe';
import { TestTrustDomain, TestWorkloadApi } from '@rampart/spiffe/testing';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Authenticated, RequireMtls, rampartAuth } from '../../src/index.js';
import { VaultServiceDescriptor, type ReadRequest__Output, type Secret, type StoreResponse, type VaultServiceClient } from '../generated/index.js';
import { call, failed } from './e2e-support.js';

// Issue 22: a server and a client that take their identities from a SPIFFE Workload API (the test agent, behaving as
// SPIRE's does) and from nowhere else: no PEM file is written or read. Each workload has an agent of its own (two
// nodes of one SPIRE deployment: one trust domain, one CA), both federated with partner.example.
const TRUST_DOMAIN = 'test.rampart.dev';
const VAULT = `spiffe://${TRUST_DOMAIN}/vault`;
const ORDERS = `spiffe://${TRUST_DOMAIN}/orders`;
const PARTNER_X = 'spiffe://partner.example/x';
const protoRoot = fileURLToPath(new URL('../protos', import.meta.url));

const ran: { peer: string | undefined; serial: string | undefined }[] = [];

@GrpcService(VaultServiceDescriptor)
@RequireMtls({ allow: [ORDERS, PARTNER_X] })
class WorkloadVault {
  read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    ran.push({ peer: ctx.peer?.spiffeId, serial: ctx.peer?.serialNumber?.toUpperCase() });
    return Promise.resolve({ name: req.name, value: ctx.peer?.spiffeId ?? '' });
  }

  // The other call kinds are not called here.
  async *watch(): AsyncIterable<Secret> {}
  store(): Promise<StoreResponse> {
    return Promise.resolve({ stored: 0 });
  }
  async *exchange(): AsyncIterable<Secret> {}
}

@GrpcService(VaultServiceDescriptor)
@RequireMtls({ allow: [ORDERS] })
@Authenticated()
class JwtSvidVault {
  read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    ran.push({ peer: ctx.peer?.spiffeId, serial: ctx.principal?.subject });
    return Promise.resolve({ name: req.name, value: `${ctx.principal?.issuer} ${ctx.principal?.subject}` });
  }

  async *watch(): AsyncIterable<Secret> {}
  store(): Promise<StoreResponse> {
    return Promise.resolve({ stored: 0 });
  }
  async *exchange(): AsyncIterable<Secret> {}
}

let own: TestTrustDomain;
let partner: TestTrustDomain;

/** Starts the vault on its own agent; connections live `maxConnectionAgeMs`, so clients reconnect under load. */
async function startVault(
  agent: TestWorkloadApi,
  extra: Record<string, unknown> = {},
  services: CreateAppOptions['services'] = [WorkloadVault],
  auth: Record<string, unknown> = {},
): Promise<{ app: RampartApp; address: string }> {
  const app = await createApp({
    name: 'vault',
    services,
    protos: { root: protoRoot },
    plugins: [rampartAuth()],
    config: {
      values: {
        server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 500, ...extra },
        log: { level: 'silent' },
        transport: { source: 'workload-api', workloadApi: { address: agent.address } },
        auth,
      },
      env: {},
    },
    handleSignals: false,
  });
  const { port } = await app.listen();
  return { app, address: `127.0.0.1:${port}` };
}

/** The fingerprint of the certificate a new TLS connection to `address` is served, trusting `ca`. */
function servedFingerprint(address: string, ca: string): Promise<string> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port), ca, ALPNProtocols: ['h2'], checkServerIdentity: () => undefined }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      socket.destroy();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

const fingerprintOf = (agent: TestWorkloadApi): string => agent.svids[0]!.fingerprint256;

beforeAll(async () => {
  [own, partner] = await Promise.all([TestTrustDomain.create(TRUST_DOMAIN), TestTrustDomain.create('partner.example')]);
});
beforeEach(() => {
  ran.length = 0;
});

describe('a server and a client with identities from the Workload API only', () => {
  let serverAgent: TestWorkloadApi;
  let clientAgent: TestWorkloadApi;
  let vault: { app: RampartApp; address: string };

  beforeAll(async () => {
    [serverAgent, clientAgent] = await Promise.all([
      TestWorkloadApi.start({ identities: [{ spiffeId: VAULT }], trustDomain: own, federated: [partner] }),
      TestWorkloadApi.start({ identities: [{ spiffeId: ORDERS }], trustDomain: own, federated: [partner] }),
    ]);
    vault = await startVault(serverAgent, { maxConnectionAgeMs: 300, maxConnectionAgeGraceMs: 5_000 });
  });
  afterAll(async () => {
    await vault?.app.close({ graceMs: 200 });
    await Promise.all([serverAgent?.close(), clientAgent?.close()]);
  });

  it('survives two rotations on each side and an agent restart under a call loop with 0 failed calls', async () => {
    const mtls = createWorkloadApiChannelCredentials({ address: clientAgent.address, expectedServerId: VAULT });
    await mtls.ready;
    const client: VaultServiceClient = createClient(VaultServiceDescriptor, { address: vault.address, protoRoot, credentials: mtls.credentials });
    const failures: unknown[] = [];
    let calls = 0;
    let running = true;
    const worker = async (): Promise<void> => {
      while (running) {
        try {
          expect((await client.read({ name: 'db' }, { deadline: 5_000 })).value).toBe(ORDERS);
          calls += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    const served = (): Promise<string> => servedFingerprint(vault.address, own.ca.certPem);
    const callsNow = async (more: number): Promise<void> => {
      const until = calls + more;
      await expect.poll(() => calls, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(until);
    };
    try {
      await callsNow(50);
      for (let rotation = 1; rotation <= 2; rotation += 1) {
        await Promise.all([serverAgent.rotate(), clientAgent.rotate()]);
        const expected = fingerprintOf(serverAgent);
        await expect.poll(served, { timeout: 5_000, interval: 50 }).toBe(expected);
        const clientSerial = clientAgent.svids[0]!.serialNumber;
        // Connections age out every 300 ms: the client's new SVID reaches the server on the next one.
        await expect.poll(() => ran.some((r) => r.serial === clientSerial), { timeout: 5_000, interval: 50 }).toBe(true);
        await callsNow(50);
      }
      // The agent restarts: the server keeps its last SVID (valid for an hour) and serves on; then a rotation after the
      // restart reaches it through the re-established stream.
      await serverAgent.stop();
      await callsNow(100);
      await serverAgent.start();
      await serverAgent.rotate();
      await expect.poll(served, { timeout: 10_000, interval: 50 }).toBe(fingerprintOf(serverAgent));
      await callsNow(50);
    } finally {
      running = false;
      await Promise.all(workers);
      closeClient(client);
      mtls.close();
    }
    expect(failures).toEqual([]);
    expect(new Set(ran.map((r) => r.serial)).size).toBeGreaterThanOrEqual(3);
    expect(calls).toBeGreaterThan(300);
  });

  it('refuses an SVID of one of our IDs signed by the federated CA (its own trust domain decides), no handler runs', async () => {
    const forged = await partner.mintX509Svid(ORDERS, 60_000);
    const genuine = await partner.mintX509Svid(PARTNER_X, 60_000);
    const presenting = (svid: typeof forged) =>
      createClient(VaultServiceDescriptor, {
        address: vault.address,
        protoRoot,
        // The vault's SVID names no host: these clients check only that it chains to our CA.
        credentials: grpcCredentials.createSsl(Buffer.from(own.ca.certPem), Buffer.from(svid.privateKeyPem), Buffer.from(svid.certificatePem), {
          checkServerIdentity: () => undefined,
        }),
      });
    const attacker = presenting(forged);
    const partnerClient = presenting(genuine);
    try {
      const refused = failed(await call(attacker, 'read', { deadline: 5_000 }));
      expect(refused.status).toBe(Status.UNAUTHENTICATED);
      expect(ran).toEqual([]);
      const accepted = await call(partnerClient, 'read', { deadline: 5_000 });
      expect(accepted).toEqual({ ok: true, values: [PARTNER_X] });
    } finally {
      closeClient(attacker);
      closeClient(partnerClient);
    }
  });
});

describe('JWT-SVIDs both ways, configured only: the client sends them, the server trusts its trust domain through the Workload API', () => {
  let serverAgent: TestWorkloadApi;
  let clientAgent: TestWorkloadApi;
  let vault: { app: RampartApp; address: string };

  beforeAll(async () => {
    [serverAgent, clientAgent] = await Promise.all([
      TestWorkloadApi.start({ identities: [{ spiffeId: VAULT }], trustDomain: own }),
      TestWorkloadApi.start({ identities: [{ spiffeId: ORDERS }], trustDomain: own }),
    ]);
    vault = await startVault(serverAgent, {}, [JwtSvidVault], {
      tokens: { audience: VAULT, trustDomains: [{ trustDomain: TRUST_DOMAIN, workloadApi: true }] },
    });
  });
  afterAll(async () => {
    await vault?.app.close({ graceMs: 200 });
    await Promise.all([serverAgent?.close(), clientAgent?.close()]);
  });

  it("@Authenticated accepts the client's JWT-SVID (fetched once for many calls); the principal is its SPIFFE ID", async () => {
    const mtls = createWorkloadApiChannelCredentials({ address: clientAgent.address, expectedServerId: VAULT });
    const tokens = new JwtSvidTokens(leaseJwtSource({ address: clientAgent.address }));
    const client: VaultServiceClient = createClient(VaultServiceDescriptor, {
      address: vault.address,
      protoRoot,
      credentials: mtls.credentials,
      tokens: { source: tokens, audience: VAULT },
    });
    try {
      for (let i = 0; i < 5; i += 1) {
        expect((await client.read({ name: 'db' }, { deadline: 5_000 })).value).toBe(`spiffe://${TRUST_DOMAIN} ${ORDERS}`);
      }
      expect(clientAgent.calls.FetchJWTSVID).toBe(1);
      expect(serverAgent.calls.FetchJWTBundles).toBeGreaterThanOrEqual(1);
      expect(ran.map((r) => r.serial)).toEqual(Array(5).fill(ORDERS));
    } finally {
      closeClient(client);
      mtls.close();
      await tokens.close();
    }
  });

  it('refuses a call without a token (UNAUTHENTICATED), and a JWT-SVID for another audience, no handler runs', async () => {
    const mtls = createWorkloadApiChannelCredentials({ address: clientAgent.address, expectedServerId: VAULT });
    const plain: VaultServiceClient = createClient(VaultServiceDescriptor, { address: vault.address, protoRoot, credentials: mtls.credentials });
    const otherAudience = await clientAgent.mintJwtSvid({ spiffeId: ORDERS, audience: ['spiffe://test.rampart.dev/billing'] });
    try {
      expect(failed(await call(plain, 'read', { deadline: 5_000 })).status).toBe(Status.UNAUTHENTICATED);
      const refused = failed(await call(plain, 'read', { deadline: 5_000, metadata: { authorization: `Bearer ${otherAudience}` } }));
      expect(refused.status).toBe(Status.UNAUTHENTICATED);
      expect(ran).toEqual([]);
    } finally {
      closeClient(plain);
      mtls.close();
    }
  });
});
