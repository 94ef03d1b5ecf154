import { Client, credentials, Metadata, ServerCredentials, status, type Server, type ServiceError } from '@grpc/grpc-js';
import { loadConfig } from '@rampart/config';
import { Status } from '@rampart/core';
import { rejectionOf, waitFor } from '@rampart/test-support';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverConfigSchema } from '../src/index.js';
import { createGrpcServer } from '../src/server-options.js';
import { probe } from './fixtures/echo-service.js';
import { startEchoApp, testConfigValues } from './fixtures/harness.js';
import { FRAME, RawH2Peer } from './fixtures/raw-h2-peer.js';

// Issue 17, item 4: the connection settings reach grpc-js (and Node's HTTP/2) and do what a Kubernetes deployment
// relies on: connections age out without failing a call, dead peers are found by pings, metadata is bounded.

const configOf = (server: Record<string, unknown>) => loadConfig({ schemas: [serverConfigSchema], values: { server }, env: {} });
const identity = (b: Buffer): Buffer => b;
const PEER = '/rampart.test.v1.Raw/Peer';

/** What grpc-js 1.14 keeps of its options (private fields, read here to pin that the settings arrive). */
interface Internals {
  maxConnectionAgeMs: number;
  maxConnectionAgeGraceMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  commonServerOptions: { settings?: Record<string, number> };
}
const GRPC_JS_NEVER = 2_147_483_647;

const servers: Server[] = [];
const clients: Client[] = [];
let handled = 0;
beforeEach(() => {
  handled = 0;
  probe.reset();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) server.forceShutdown();
});

/** A bare grpc-js server made by createGrpcServer (what createApp uses), plaintext on 127.0.0.1: one unary method
 * that waits `delayMs` (the request's first byte × 100 ms) and answers with the client address it sees. */
async function start(settings: Record<string, unknown>): Promise<number> {
  const server = createGrpcServer(configOf(settings));
  servers.push(server);
  server.register(
    PEER,
    (call: { request: Buffer; getPeer(): string }, callback: (error: null, value: Buffer) => void) => {
      handled += 1;
      setTimeout(() => callback(null, Buffer.from(call.getPeer())), (call.request[0] ?? 0) * 100);
    },
    identity,
    identity,
    'unary',
  );
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
}

function clientOf(port: number): Client {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  clients.push(client);
  return client;
}

/** One call; resolves to the client address the server saw (a new connection has a new one). */
function peerCall(client: Client, options: { delayTenths?: number; metadataBytes?: number } = {}): Promise<string> {
  const metadata = new Metadata();
  if (options.metadataBytes) metadata.set('x-big', 'a'.repeat(options.metadataBytes));
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(PEER, identity, identity, Buffer.from([options.delayTenths ?? 0]), metadata, { deadline: Date.now() + 10_000 }, (error, value) =>
      error ? reject(error) : resolve(String(value)),
    ),
  );
}

describe('connection settings reach grpc-js', () => {
  it('defaults: keepalive 60 s / 20 s, max connection age 120 s with 30 s grace, 1000 streams, 16 KiB of metadata', () => {
    const server = createGrpcServer(configOf({})) as unknown as Internals;
    expect({
      age: server.maxConnectionAgeMs,
      grace: server.maxConnectionAgeGraceMs,
      keepalive: server.keepaliveTimeMs,
      keepaliveTimeout: server.keepaliveTimeoutMs,
      settings: server.commonServerOptions.settings,
    }).toEqual({
      age: 120_000,
      grace: 30_000,
      keepalive: 60_000,
      keepaliveTimeout: 20_000,
      settings: { maxConcurrentStreams: 1000, maxHeaderListSize: 16_384 },
    });
  });

  it('channelz statistics are off unless server.channelz asks for them (no channelz service is served)', () => {
    const off = createGrpcServer(configOf({})) as unknown as { channelzEnabled: boolean };
    const on = createGrpcServer(configOf({ channelz: true })) as unknown as { channelzEnabled: boolean };
    expect([off.channelzEnabled, on.channelzEnabled]).toEqual([false, true]);
  });

  it('0 turns connection age, its grace and keepalive pings off (grpc-js "never", not "at once")', () => {
    const server = createGrpcServer(configOf({ maxConnectionAgeMs: 0, maxConnectionAgeGraceMs: 0, keepaliveTimeMs: 0 })) as unknown as Internals;
    expect([server.maxConnectionAgeMs, server.maxConnectionAgeGraceMs, server.keepaliveTimeMs]).toEqual([GRPC_JS_NEVER, GRPC_JS_NEVER, 0]);
  });

  it('keepalive: the server pings an idle connection, and closes it when the ping goes unanswered', async () => {
    const port = await start({ keepaliveTimeMs: 200, keepaliveTimeoutMs: 300 });
    const peer = await RawH2Peer.connect(port); // acknowledges SETTINGS, never answers a PING
    try {
      const ping = await peer.until((f) => f.type === 0x6 && (f.flags & 0x1) === 0);
      expect(ping).toBeDefined();
      // Unanswered: the connection is closed (until() resolves undefined once the socket is gone).
      expect(await peer.until(() => false)).toBeUndefined();
    } finally {
      peer.close();
    }
  });

  it('maxConnectionAgeMs: the server sends GOAWAY (max_age), and the client moves its next calls to a new connection without a failed call', async () => {
    const port = await start({ maxConnectionAgeMs: 500, maxConnectionAgeGraceMs: 2_000 });
    const peer = await RawH2Peer.connect(port);
    const goaway = await peer.until((f) => f.type === FRAME.GOAWAY);
    peer.close();
    expect(goaway?.payload.readUInt32BE(4)).toBe(0); // NO_ERROR
    expect(goaway?.payload.subarray(8).toString()).toBe('max_age');

    const client = clientOf(port);
    const peers: string[] = [];
    const started = Date.now();
    // Calls one after another for well past two connection ages (no assertion on how long anything takes).
    while (Date.now() - started < 2_500) {
      peers.push(await peerCall(client));
      await sleep(50); // a sleep on purpose: calls spread over more than two connection ages
    }
    expect(new Set(peers).size).toBeGreaterThanOrEqual(2);
    expect(handled).toBe(peers.length);
  });

  it('maxConnectionAgeGraceMs: a call in flight when the connection ages finishes within the grace, and is cut past it', async () => {
    const lenient = clientOf(await start({ maxConnectionAgeMs: 300, maxConnectionAgeGraceMs: 10_000 }));
    await expect(peerCall(lenient, { delayTenths: 10 })).resolves.toMatch(/127\.0\.0\.1/);

    const strict = clientOf(await start({ maxConnectionAgeMs: 300, maxConnectionAgeGraceMs: 200 }));
    const err = (await rejectionOf(peerCall(strict, { delayTenths: 30 }))) as ServiceError;
    expect([status.UNAVAILABLE, status.CANCELLED, status.INTERNAL]).toContain(err.code);
  });

  it('a keepalive ping after GOAWAY does not cut the calls the connection is draining (grpc-js destroyed the session)', async () => {
    // Pings every 400 ms; the connection ages at about 300 ms and may drain for 10 s: the 1.5 s call sees pings after GOAWAY.
    const aging = clientOf(await start({ maxConnectionAgeMs: 300, maxConnectionAgeGraceMs: 10_000, keepaliveTimeMs: 400, keepaliveTimeoutMs: 5_000 }));
    await expect(peerCall(aging, { delayTenths: 15 })).resolves.toMatch(/127\.0\.0\.1/);

    // The same when the server shuts down gracefully (tryShutdown closes every session) with a call in flight.
    const port = await start({ keepaliveTimeMs: 400, keepaliveTimeoutMs: 5_000 });
    const draining = clientOf(port);
    const inFlight = peerCall(draining, { delayTenths: 15 });
    await waitFor(() => handled === 2, 'the call to reach its handler');
    const stopped = new Promise<Error | undefined>((resolve) => servers.at(-1)?.tryShutdown(resolve));
    await expect(inFlight).resolves.toMatch(/127\.0\.0\.1/);
    expect(await stopped).toBeUndefined();
    expect(handled).toBe(2);
  });

  it('maxMetadataBytes: advertised in SETTINGS; a larger header list is refused with RESOURCE_EXHAUSTED before the handler, a smaller one passes', async () => {
    const port = await start({ maxMetadataBytes: 4096 });
    const peer = await RawH2Peer.connect(port);
    expect(peer.advertisedMaxHeaderListSize).toBe(4096);
    peer.close();
    const client = clientOf(port);
    // The first call of a fresh connection is bounded too (the limit does not wait for the client's SETTINGS ACK).
    const refused = (await rejectionOf(peerCall(client, { metadataBytes: 6_000 }))) as ServiceError;
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(handled).toBe(0);
    await expect(peerCall(client, { metadataBytes: 2_000 })).resolves.toMatch(/127\.0\.0\.1/);
    expect(handled).toBe(1);
  });
});

describe('transport limits reach grpc-js and Node (issue 18)', () => {
  it('defaults: handshake 10 s, 10 000 connections, idle 10 min, 32 MB per connection; 0 turns the idle timeout off', () => {
    const server = createGrpcServer(configOf({})) as unknown as Internals & { sessionIdleTimeout: number; commonServerOptions: { handshakeTimeout?: number; maxSessionMemory?: number } };
    expect([server.commonServerOptions.handshakeTimeout, server.commonServerOptions.maxSessionMemory, server.sessionIdleTimeout]).toEqual([10_000, 32, 600_000]);
    const off = createGrpcServer(configOf({ idleTimeoutMs: 0 })) as unknown as { sessionIdleTimeout: number };
    expect(off.sessionIdleTimeout).toBe(GRPC_JS_NEVER);
  });

  it.each([
    [{ handshakeTimeoutMs: 50 }, /^server\.handshakeTimeoutMs is 50: .*Fix: set RAMPART_SERVER_HANDSHAKE_TIMEOUT_MS to 100\.\.2147483646 \(default 10000\)/],
    [{ maxConnections: 0 }, /^server\.maxConnections is 0: .*Fix: set RAMPART_SERVER_MAX_CONNECTIONS to 1\.\./],
    [{ maxSessionMemoryMb: 0 }, /^server\.maxSessionMemoryMb is 0: .*Fix: set RAMPART_SERVER_MAX_SESSION_MEMORY_MB to 1\.\./],
  ])('%o stops start-up naming the key and the fix', (bad, message) => {
    expect(() => createGrpcServer(configOf(bad))).toThrow(message);
  });
});

describe('the app applies them', () => {
  it('a call whose metadata exceeds server.maxMetadataBytes never reaches the handler', async () => {
    const s = await startEchoApp({ values: { server: { ...testConfigValues.server, maxMetadataBytes: 2048 } } });
    try {
      const err = await rejectionOf(s.echo.echo({ text: 'big' }, { metadata: { 'x-test': 'a'.repeat(4_000) } }));
      expect((err as { status: number }).status).toBe(Status.RESOURCE_EXHAUSTED);
      expect(probe.calls).toEqual([]);
      expect(await s.echo.echo({ text: 'small' }, { metadata: { 'x-test': 'a'.repeat(500) } })).toEqual({ text: 'small', index: 0 });
    } finally {
      await s.close();
    }
  });

  it.each([
    [{ keepaliveTimeoutMs: 0 }, /^server\.keepaliveTimeoutMs is 0: a keepalive ping needs time to be answered\. Fix: set RAMPART_SERVER_KEEPALIVE_TIMEOUT_MS to 1\.\.2147483646 \(default 20000\)/],
    [{ maxConnectionAgeMs: 2 ** 31 }, /^server\.maxConnectionAgeMs is 2147483648: .*Fix: set RAMPART_SERVER_MAX_CONNECTION_AGE_MS to 0\.\.2147483646 \(default 120000\)/],
    [{ maxConnectionAgeGraceMs: 2 ** 31 }, /^server\.maxConnectionAgeGraceMs is 2147483648: .*Fix: set RAMPART_SERVER_MAX_CONNECTION_AGE_GRACE_MS to 0\.\.2147483646/],
    [{ keepaliveTimeMs: 2 ** 32 }, /^server\.keepaliveTimeMs is 4294967296: .*Fix: set RAMPART_SERVER_KEEPALIVE_TIME_MS to 0\.\.2147483646/],
    [{ maxMetadataBytes: 100 }, /^server\.maxMetadataBytes is 100: a call needs room for its own headers and a bearer token\. Fix: set RAMPART_SERVER_MAX_METADATA_BYTES to 1024\.\.4294967295 \(default 16384\)/],
  ])('%o stops start-up naming the key and the fix', async (bad, message) => {
    await expect(startEchoApp({ values: { server: { ...testConfigValues.server, ...bad } } })).rejects.toThrow(message);
  });
});
