import { credentials, loadPackageDefinition, Metadata, status, type ClientReadableStream, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { X509Certificate } from 'node:crypto';
import { rampartErrorOf, waitFor } from '@rampart/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkloadApiClient, WORKLOAD_PROTO_PATH, type Watch, type WatchProblem, type X509Context } from '../src/index.js';
import { TestWorkloadApi } from '../src/testing.js';

const ORDERS = 'spiffe://test.rampart.dev/orders';
let agent: TestWorkloadApi;
let client: WorkloadApiClient;
const watches: Watch[] = [];

beforeAll(async () => {
  agent = await TestWorkloadApi.start({
    identities: [{ spiffeId: ORDERS }, { spiffeId: 'spiffe://test.rampart.dev/orders-admin', hint: 'admin' }],
    federatedTrustDomains: ['partner.example'],
  });
  client = new WorkloadApiClient({ address: agent.address, backoff: { initialMs: 20, maxMs: 200 } });
});
afterEach(() => watches.splice(0).forEach((w) => w.close()));
afterAll(async () => {
  client.close();
  await agent.close();
});

/** A raw grpc-js client of the same proto, which sends only the metadata it is given. */
interface RawClient {
  FetchJWTSVID(request: object, metadata: Metadata, callback: (error: ServiceError | null) => void): void;
  FetchX509SVID(request: object, metadata: Metadata): ClientReadableStream<unknown>;
  close(): void;
}
function rawClient(): RawClient {
  const definition = loadSync(WORKLOAD_PROTO_PATH, { keepCase: false, defaults: true, oneofs: true });
  const Service = loadPackageDefinition(definition)['SpiffeWorkloadAPI'] as ServiceClientConstructor;
  return new Service(agent.address, credentials.createInsecure()) as unknown as RawClient;
}

describe('the Workload API client against a test agent', () => {
  it('sends workload.spiffe.io: true on every call, stream and unary', async () => {
    const before = { ...agent.calls };
    await client.fetchX509Context();
    await client.fetchX509Bundles();
    await client.fetchJwtBundles();
    await client.fetchJwtSvid({ audience: ['spiffe://test.rampart.dev/inventory'] });
    expect(agent.calls.FetchX509SVID).toBe(before.FetchX509SVID + 1);
    expect(agent.calls.FetchX509Bundles).toBe(before.FetchX509Bundles + 1);
    expect(agent.calls.FetchJWTBundles).toBe(before.FetchJWTBundles + 1);
    expect(agent.calls.FetchJWTSVID).toBe(before.FetchJWTSVID + 1);
    expect(agent.refusedCalls).toBe(0);
  });

  it('the agent refuses a call without the header with InvalidArgument (the spec\'s code), serving nothing', async () => {
    const raw = rawClient();
    try {
      const before = { ...agent.calls };
      const unary = await new Promise<ServiceError>((resolve, reject) => {
        raw.FetchJWTSVID({ audience: ['x'] }, new Metadata(), (error: ServiceError | null) => (error ? resolve(error) : reject(new Error('served'))));
      });
      expect(unary.code).toBe(status.INVALID_ARGUMENT);
      const wrong = new Metadata();
      wrong.set('workload.spiffe.io', 'TRUE');
      const streamed = await new Promise<{ code: number; messages: number }>((resolve) => {
        let messages = 0;
        const call = raw.FetchX509SVID({}, wrong);
        call.on('data', () => messages++);
        call.on('error', (error: ServiceError) => resolve({ code: error.code, messages }));
      });
      expect(streamed).toEqual({ code: status.INVALID_ARGUMENT, messages: 0 });
      expect(agent.refusedCalls).toBe(2);
      expect(agent.calls).toEqual(before);
    } finally {
      raw.close();
    }
  });

  it('fetches the X.509 context: the SVIDs (default first, hints kept) and the own and federated bundles', async () => {
    const context = await client.fetchX509Context();
    expect(context.svids.map((s) => [s.spiffeId, s.hint])).toEqual([
      [ORDERS, ''],
      ['spiffe://test.rampart.dev/orders-admin', 'admin'],
    ]);
    const svid = context.svids[0]!;
    expect(svid.certificates[0]!.raw.equals(agent.svids[0]!.certificateDer)).toBe(true);
    expect(svid.certificates[0]!.checkPrivateKey(svid.privateKey)).toBe(true);
    expect(new X509Certificate(svid.certificateChainPem).fingerprint256).toBe(svid.certificates[0]!.fingerprint256);
    expect(svid.privateKeyPem.toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect([...context.bundles.keys()].sort()).toEqual(['partner.example', 'test.rampart.dev']);
    expect(context.bundles.get('test.rampart.dev')!.map((c) => c.fingerprint256)).toEqual(agent.own.caCertificates.map((c) => c.fingerprint256));
    expect(context.bundles.get('partner.example')![0]!.fingerprint256).toBe(agent.domain('partner.example').caCertificates[0]!.fingerprint256);
  });

  it('pushes a rotation to an open watch, and a refused response leaves the watch up', async () => {
    const updates: X509Context[] = [];
    const problems: WatchProblem[] = [];
    watches.push(client.watchX509Context({ onUpdate: (c) => updates.push(c), onError: (_e, p) => problems.push(p) }));
    await waitFor(() => updates.length === 1, 'the initial context');
    await agent.rotate();
    await waitFor(() => updates.length === 2, 'the rotated context');
    expect(updates[1]!.svids[0]!.certificates[0]!.raw.equals(agent.svids[0]!.certificateDer)).toBe(true);
    expect(updates[1]!.svids[0]!.certificates[0]!.serialNumber).not.toBe(updates[0]!.svids[0]!.certificates[0]!.serialNumber);

    agent.pushX509Response({ svids: [] });
    await waitFor(() => problems.length === 1, 'the refused response');
    expect(problems[0]).toEqual({ kind: 'bad-response' });
    await agent.rotate();
    await waitFor(() => updates.length === 3, 'the next rotation on the same stream');
    expect(agent.openStreams.FetchX509SVID).toBe(1);
  });

  it('watches the X.509 bundles and the JWT bundles, pushed on federation', async () => {
    const x509: string[][] = [];
    const jwt: string[][] = [];
    watches.push(client.watchX509Bundles({ onUpdate: (b) => x509.push([...b.keys()].sort()), onError: () => undefined }));
    watches.push(client.watchJwtBundles({ onUpdate: (b) => jwt.push([...b.keys()].sort()), onError: () => undefined }));
    await waitFor(() => x509.length === 1 && jwt.length === 1, 'the initial bundles');
    await agent.federate('third.example');
    await waitFor(() => x509.length === 2 && jwt.length === 2, 'the bundles with the new trust domain');
    expect(x509[1]).toEqual(['partner.example', 'test.rampart.dev', 'third.example']);
    expect(jwt[1]).toEqual(['partner.example', 'test.rampart.dev', 'third.example']);
    agent.unfederate('third.example');
    await waitFor(() => x509.length === 3, 'the bundles without it');
    expect(x509[2]).toEqual(['partner.example', 'test.rampart.dev']);
  });

  it('mints JWT-SVIDs for an audience, for every identity or the one asked for', async () => {
    const all = await client.fetchJwtSvids({ audience: ['spiffe://test.rampart.dev/inventory', 'extra'] });
    expect(all.map((s) => s.spiffeId)).toEqual([ORDERS, 'spiffe://test.rampart.dev/orders-admin']);
    expect(all[0]!.audience).toEqual(['spiffe://test.rampart.dev/inventory', 'extra']);
    expect(all[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const one = await client.fetchJwtSvid({ audience: ['a'], spiffeId: 'spiffe://test.rampart.dev/orders-admin' });
    expect(one.spiffeId).toBe('spiffe://test.rampart.dev/orders-admin');
    expect(one.hint).toBe('admin');
    expect((await rampartErrorOf(client.fetchJwtSvid({ audience: ['a'], spiffeId: 'spiffe://test.rampart.dev/other' }))).code).toBe('ERR_PERMISSION_DENIED');
    expect((await rampartErrorOf(client.fetchJwtSvid({ audience: [] }))).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('validates JWT-SVIDs through the agent: its own, not another audience, not another trust domain\'s key', async () => {
    const { token } = await client.fetchJwtSvid({ audience: ['spiffe://test.rampart.dev/inventory'] });
    const valid = await client.validateJwtSvid(token, 'spiffe://test.rampart.dev/inventory');
    expect(valid.spiffeId).toBe(ORDERS);
    expect(valid.claims).toMatchObject({ sub: ORDERS, aud: ['spiffe://test.rampart.dev/inventory'] });
    expect(typeof valid.claims['exp']).toBe('number');
    expect((await rampartErrorOf(client.validateJwtSvid(token, 'spiffe://test.rampart.dev/other'))).code).toBe('ERR_INVALID_ARGUMENT');
    const forged = await agent.mintJwtSvid({ spiffeId: ORDERS, audience: ['spiffe://test.rampart.dev/inventory'], trustDomain: 'partner.example' });
    expect((await rampartErrorOf(client.validateJwtSvid(forged, 'spiffe://test.rampart.dev/inventory'))).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('a fetch from an agent that is not there fails with ERR_UNAVAILABLE, naming the call', async () => {
    const nowhere = new WorkloadApiClient({ address: `${agent.address}.missing`, callTimeoutMs: 2000 });
    try {
      const error = await rampartErrorOf(nowhere.fetchX509Context());
      expect(error.code).toBe('ERR_UNAVAILABLE');
      expect(error.message).toContain('FetchX509SVID');
    } finally {
      nowhere.close();
    }
  });
});
