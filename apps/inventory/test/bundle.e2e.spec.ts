import { credentials, makeGenericClientConstructor, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import { freePort, TestIssuer, TestPki, withBearer } from '@rampart/testing';
import { startDeployed, workspaceRoot, type DeployedProcess } from '@rampart/testing/internal';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryServiceDescriptor } from '../src/generated/index.js';
import { ORDERS_WORKLOAD } from '../src/index.js';

// ADR 0051: the app bundled into one ES module by scripts/bundle-app.mjs (esbuild), as its image ships it. The bundle
// is copied to a folder of its own, away from the repository's node_modules, and started there with config from the
// environment only: it must load its protos, the health and reflection services' protos (found through __dirname in
// their packages) and the google/protobuf files from the bundle's assets, and serve.
const AUDIENCE = 'spiffe://demo.rampart.dev/inventory';
let out: string;
let pki: TestPki;
let issuer: TestIssuer;
let app: DeployedProcess | undefined;
let healthAddress: string;

/** One unary call with raw bytes in and out (no proto loading on the test's side). */
function rawUnary(address: string, creds: ChannelCredentials, path: string, request: Buffer): Promise<Buffer> {
  const identity = (b: Buffer): Buffer => b;
  const Client = makeGenericClientConstructor(
    { call: { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
    'Raw',
  );
  const client = new Client(address, creds) as unknown as { call(req: Buffer, md: Metadata, cb: (err: ServiceError | null, res: Buffer) => void): void; close(): void };
  return new Promise<Buffer>((resolve, reject) => client.call(request, new Metadata(), (err, res) => (err ? reject(err) : resolve(res)))).finally(() => client.close());
}

/** The first message of a bidi call that writes `request` once, as raw bytes. */
function rawBidiFirst(address: string, creds: ChannelCredentials, path: string, request: Buffer): Promise<Buffer> {
  const identity = (b: Buffer): Buffer => b;
  const Client = makeGenericClientConstructor(
    { call: { path, requestStream: true, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
    'RawBidi',
  );
  const client = new Client(address, creds) as unknown as { call(): NodeJS.ReadWriteStream & { end(): void }; close(): void };
  const call = client.call();
  const first = new Promise<Buffer>((resolve, reject) => {
    call.on('data', (res: Buffer) => resolve(res));
    call.on('error', reject);
  });
  call.write(request);
  return first.finally(() => {
    call.end();
    client.close();
  });
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'rampart-bundle-'));
  execFileSync(process.execPath, [join(workspaceRoot(), 'scripts', 'bundle-app.mjs'), join(workspaceRoot(), 'apps', 'inventory'), '--out', join(out, 'app')], {
    stdio: 'pipe',
  });
  pki = await TestPki.create('inventory', 'demo.rampart.dev');
  issuer = await TestIssuer.start({ audience: AUDIENCE });
  const healthPort = await freePort();
  healthAddress = `127.0.0.1:${healthPort}`;
  app = await startDeployed(
    join(out, 'app'),
    {
      NODE_ENV: 'production',
      RAMPART_SERVER_PORT: '0',
      RAMPART_SERVER_HEALTH_PORT: String(healthPort),
      RAMPART_TLS_CERT_FILE: join(pki.dir, 'server.pem'),
      RAMPART_TLS_KEY_FILE: join(pki.dir, 'server-key.pem'),
      RAMPART_TLS_CA_FILE: join(pki.dir, 'ca.pem'),
      RAMPART_AUTH_ISSUER: issuer.url,
      RAMPART_AUTH_AUDIENCE: AUDIENCE,
    },
    30_000,
    'main.mjs',
  );
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await issuer?.stop();
  pki?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('the bundled @rampart/inventory (scripts/bundle-app.mjs)', () => {
  it('is main.mjs, its chunks and assets: no code in node_modules beside it', () => {
    const folder = join(out, 'app');
    const files = readdirSync(folder);
    expect(files.filter((f) => !/^chunk-\w+\.mjs(\.LEGAL\.txt)?$/.test(f)).sort()).toEqual(['assets', 'main.mjs', 'main.mjs.LEGAL.txt', 'package.json']);
    expect(app?.has('assets/node_modules/@rampart/protos/rampart/demo/inventory/v1/inventory.proto')).toBe(true);
    const code = readdirSync(join(folder, 'assets'), { recursive: true }).map(String).filter((f) => /\.(c|m)?js$/.test(f));
    expect(code).toEqual([]);
  });

  it('leaves what only a dynamic import() needs out of what start-up reads (undici, @redis/client: chunks of their own)', () => {
    const folder = join(out, 'app');
    const read = (file: string): string => readFileSync(join(folder, file), 'utf8');
    // main.mjs and the chunks it imports statically, transitively: what Node reads and compiles at start-up.
    const eager = new Set<string>();
    const visit = (file: string): void => {
      if (eager.has(file)) return;
      eager.add(file);
      for (const [, chunk] of read(file).matchAll(/\bfrom\s*"\.\/(chunk-\w+\.mjs)"/g)) visit(chunk as string);
    };
    visit('main.mjs');
    const lazy = readdirSync(folder).filter((f) => /^chunk-\w+\.mjs$/.test(f) && !eager.has(f));
    // Strings only these packages' code holds: undici's diagnostics channel names, @redis/client's command parser.
    for (const marker of ['undici:websocket:open', 'RedisCommandsQueue']) {
      expect([...eager].filter((f) => read(f).includes(marker)), marker).toEqual([]);
      expect(lazy.filter((f) => read(f).includes(marker)), marker).toHaveLength(1);
    }
  });

  it('answers SERVING on its health port (grpc.health.v1 Check)', async () => {
    // HealthCheckResponse { status: SERVING (1) } is the two bytes 08 01.
    const reply = await rawUnary(healthAddress, credentials.createInsecure(), '/grpc.health.v1.Health/Check', Buffer.alloc(0));
    expect([...reply]).toEqual([0x08, 0x01]);
  });

  it('lists its service through server reflection (its protos come from the assets)', async () => {
    const orders = await pki.clientCertificate(ORDERS_WORKLOAD);
    // ServerReflectionRequest { list_services: "" }: field 7, length 0.
    const reply = await rawBidiFirst(
      (app as DeployedProcess).listening['address'] as string,
      pki.channelCredentials(orders),
      '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
      Buffer.from([0x3a, 0x00]),
    );
    expect(reply.toString('latin1')).toContain('rampart.demo.inventory.v1.InventoryService');
  });

  it('serves an authenticated call and refuses one without a token', async () => {
    const orders = await pki.clientCertificate(ORDERS_WORKLOAD);
    const client = createClient(InventoryServiceDescriptor, {
      address: (app as DeployedProcess).listening['address'] as string,
      protoRoot: join(out, 'app', 'assets', 'node_modules', '@rampart', 'protos'),
      credentials: pki.channelCredentials(orders),
    });
    try {
      const reader = await issuer.mint({ sub: 'alice' }, { scope: 'inventory:read', expiresIn: 600 });
      expect(await client.getStock({ sku: 'SKU-RED-MUG' }, withBearer(reader))).toMatchObject({ sku: 'SKU-RED-MUG', available: 40 });
      await expect(client.getStock({ sku: 'SKU-RED-MUG' })).rejects.toMatchObject({ status: 16 });
    } finally {
      closeClient(client);
    }
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await (app as DeployedProcess).stop()).toEqual({ code: 0, signal: null });
  });
});
