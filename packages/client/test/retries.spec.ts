import {
  credentials,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  status,
  type GrpcObject,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { MethodShape, ServiceDescriptor, ServiceClient } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { mkdir } from 'node:fs/promises';
import { createServer as createH2Server, constants as h2, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeClient, createClient, type CreateClientOptions } from '../src/index.js';
import { DEFAULT_RETRY } from '../src/service-config.js';
import { tempDir, type TempDir } from './tls/support/pki-dir.js';

// Issue 17, item 4 (clients): transparent retries of calls that never reached a server, a retry policy for the
// methods the proto marks idempotent, and round-robin over several addresses that survives a server going away.

const PROTO = 'rampart/test/v1/retry.proto';
const PROTO_SOURCE = `syntax = "proto3";
package rampart.test.v1;
message Req {}
message Res { string served_by = 1; }
service RetryService {
  rpc Read(Req) returns (Res) { option idempotency_level = NO_SIDE_EFFECTS; }
  rpc Put(Req) returns (Res) { option idempotency_level = IDEMPOTENT; }
  rpc Write(Req) returns (Res);
}
`;
type Unary = MethodShape<'unary', object, object, { servedBy?: string }, { servedBy: string }>;
type RetryShape = { readonly read: Unary; readonly put: Unary; readonly write: Unary };
const path = (m: string) => `/rampart.test.v1.RetryService/${m}`;
const RetryDescriptor: ServiceDescriptor<RetryShape> = {
  typeName: 'rampart.test.v1.RetryService',
  protoFile: PROTO,
  methods: {
    read: { name: 'Read', path: path('Read'), kind: 'unary' },
    put: { name: 'Put', path: path('Put'), kind: 'unary' },
    write: { name: 'Write', path: path('Write'), kind: 'unary' },
  },
};

let tmp: TempDir;
let protoRoot: string;
beforeAll(async () => {
  tmp = await tempDir();
  await mkdir(tmp.path('protos/rampart/test/v1'), { recursive: true });
  await tmp.write(`protos/${PROTO}`, PROTO_SOURCE);
  protoRoot = tmp.path('protos');
});
afterAll(() => tmp.remove());

const clients: object[] = [];
const servers: Server[] = [];
const rawServers: Http2Server[] = [];
const nets: NetServer[] = [];
afterEach(() => {
  for (const n of nets.splice(0)) n.close();
  for (const c of clients.splice(0)) closeClient(c);
  for (const s of servers.splice(0)) s.forceShutdown();
  for (const s of rawServers.splice(0)) s.close();
});

function client(address: string, options: Partial<CreateClientOptions> = {}): ServiceClient<RetryShape> {
  const c = createClient(RetryDescriptor, { address, protoRoot, credentials: credentials.createInsecure(), defaultDeadlineMs: 10_000, ...options });
  clients.push(c);
  return c;
}

/** A grpc-js server whose methods fail with `failFirst` status for their first `failures` calls, then answer `name`. */
async function retryServer(name: string, failures = 0, failWith = status.UNAVAILABLE, port = 0): Promise<{ port: number; calls: Record<string, number>; server: Server }> {
  const definition = loadSync(PROTO, { includeDirs: [protoRoot] });
  const service = (((loadPackageDefinition(definition)['rampart'] as GrpcObject)['test'] as GrpcObject)['v1'] as GrpcObject)[
    'RetryService'
  ] as ServiceClientConstructor;
  const calls: Record<string, number> = { Read: 0, Put: 0, Write: 0 };
  const handler = (method: string) => (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    calls[method] = (calls[method] ?? 0) + 1;
    if ((calls[method] ?? 0) <= failures) callback({ code: failWith, details: `attempt ${calls[method]} fails` });
    else callback(null, { servedBy: name });
  };
  const server = new Server();
  servers.push(server);
  server.addService(service.service, { Read: handler('Read'), Put: handler('Put'), Write: handler('Write') });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { port: bound, calls, server };
}

/**
 * A bare HTTP/2 server speaking just enough gRPC: `refuse(n)` decides, per stream (numbered from 1 across
 * connections), whether to refuse it unprocessed; others get an empty OK response.
 */
async function rawServer(refuse: (n: number, stream: ServerHttp2Stream) => boolean): Promise<{ port: number; streams: () => number; connections: () => number }> {
  let streams = 0;
  let connections = 0;
  const server = createH2Server();
  rawServers.push(server);
  server.on('session', () => void (connections += 1));
  server.on('stream', (stream) => {
    streams += 1;
    stream.on('error', () => undefined); // a refused stream errors on this side too
    if (refuse(streams, stream)) return;
    stream.on('data', () => undefined);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(Buffer.from([0, 0, 0, 0, 0])); // one empty message
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, streams: () => streams, connections: () => connections };
}

const PREFACE_LENGTH = 24;
function h2Frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId, 5);
  return Buffer.concat([head, payload]);
}

describe('transparent retries (calls that never reached a server application)', () => {
  it('a stream the server refuses (RST_STREAM REFUSED_STREAM) is retried, also for a method that is not idempotent', async () => {
    const server = await rawServer((n, stream) => n === 1 && (stream.close(h2.NGHTTP2_REFUSED_STREAM), true));
    expect(await client(`127.0.0.1:${server.port}`).write({})).toEqual({ servedBy: '' });
    expect(server.streams()).toBe(2);
  });

  it('a stream above the last stream id of a GOAWAY (sent as the call arrived) is retried on a new connection', async () => {
    const server = await rawServer(() => false);
    // The first connection answers the call's HEADERS with GOAWAY(last stream id 0): "not processed, go elsewhere"
    // (what a server that shuts down as the call crosses its GOAWAY says). Later connections reach the server.
    let raw = 0;
    const front = createNetServer((socket) => {
      raw += 1;
      if (raw > 1) return void rawServers[0]!.emit('connection', socket);
      let buffered = Buffer.alloc(0);
      socket.write(h2Frame(0x4, 0, 0, Buffer.alloc(0))); // SETTINGS
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        const frames = buffered.subarray(PREFACE_LENGTH);
        for (let at = 0; at + 9 <= frames.length; at += 9 + frames.readUIntBE(at, 3)) {
          if (frames[at + 3] === 0x4 && ((frames[at + 4] ?? 0) & 0x1) === 0) socket.write(h2Frame(0x4, 0x1, 0, Buffer.alloc(0)));
          if (frames[at + 3] === 0x1) return void socket.end(h2Frame(0x7, 0, 0, Buffer.alloc(8))); // GOAWAY, last 0, NO_ERROR
        }
      });
      socket.on('error', () => undefined);
    });
    nets.push(front);
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const port = (front.address() as AddressInfo).port;
    expect(await client(`127.0.0.1:${port}`).write({})).toEqual({ servedBy: '' });
    expect(raw).toBe(2);
    expect(server.streams()).toBe(1);
  });

  it('a refused stream is sent again by Rampart itself, up to 4 times in all, beyond grpc-js\'s one transparent retry', async () => {
    // With grpc-js's retries off, every refusal reaches Rampart's client: 3 refusals, the 4th attempt is served.
    const three = await rawServer((n, stream) => n <= 3 && (stream.close(h2.NGHTTP2_REFUSED_STREAM), true));
    expect(await client(`127.0.0.1:${three.port}`, { channelOptions: { 'grpc.enable_retries': 0 } }).write({})).toEqual({ servedBy: '' });
    expect(three.streams()).toBe(4);
    // A server that refuses every stream: the call fails after 4 attempts, with the refusal.
    const always = await rawServer((_n, stream) => (stream.close(h2.NGHTTP2_REFUSED_STREAM), true));
    const err = await rampartErrorOf(client(`127.0.0.1:${always.port}`, { channelOptions: { 'grpc.enable_retries': 0 } }).write({}));
    expect([err.status, err.message]).toEqual([status.UNAVAILABLE, 'Stream refused by server']);
    expect(always.streams()).toBe(4);
  });

  it('with grpc-js\'s transparent retry on (as Rampart sets it), 6 refusals in a row are still absorbed', async () => {
    const six = await rawServer((n, stream) => n <= 6 && (stream.close(h2.NGHTTP2_REFUSED_STREAM), true));
    expect(await client(`127.0.0.1:${six.port}`).write({})).toEqual({ servedBy: '' });
    expect(six.streams()).toBe(7);
  });
});

describe('retry policy of idempotent methods', () => {
  const fast = { ...DEFAULT_RETRY, initialBackoffMs: 10, maxBackoffMs: 50 };

  it('retries UNAVAILABLE for methods the proto marks NO_SIDE_EFFECTS or IDEMPOTENT, not for others', async () => {
    const s = await retryServer('a', 2);
    const c = client(`127.0.0.1:${s.port}`, { retry: fast });
    expect(await c.read({})).toEqual({ servedBy: 'a' });
    expect(await c.put({})).toEqual({ servedBy: 'a' });
    expect((await rampartErrorOf(c.write({}))).status).toBe(status.UNAVAILABLE);
    expect(s.calls).toEqual({ Read: 3, Put: 3, Write: 1 });
  });

  it('retry.methods adds a method the proto does not mark; maxAttempts bounds the attempts; other statuses are not retried', async () => {
    const s = await retryServer('a', 5);
    const c = client(`127.0.0.1:${s.port}`, { retry: { ...fast, maxAttempts: 2, methods: ['Write'] } });
    expect((await rampartErrorOf(c.write({}))).status).toBe(status.UNAVAILABLE);
    expect((await rampartErrorOf(c.read({}))).status).toBe(status.UNAVAILABLE);
    expect(s.calls).toEqual({ Read: 2, Put: 0, Write: 2 });

    const internal = await retryServer('b', 1, status.INTERNAL);
    expect((await rampartErrorOf(client(`127.0.0.1:${internal.port}`, { retry: fast }).read({}))).status).toBe(status.INTERNAL);
    expect(internal.calls.Read).toBe(1);
  });

  it('maxAttempts 1 turns the policy off', async () => {
    const s = await retryServer('a', 1);
    expect((await rampartErrorOf(client(`127.0.0.1:${s.port}`, { retry: { ...fast, maxAttempts: 1 } }).read({}))).status).toBe(status.UNAVAILABLE);
    expect(s.calls.Read).toBe(1);
  });
});

describe('round_robin over several addresses', () => {
  it('spreads calls over every address, loses none when one server shuts down (GOAWAY), and uses its replacement once it is back', async () => {
    const a = await retryServer('a');
    const b = await retryServer('b');
    const c = client(`ipv4:127.0.0.1:${a.port},127.0.0.1:${b.port}`, { loadBalancingPolicy: 'round_robin', retry: DEFAULT_RETRY });
    const servedBy = async (n: number): Promise<string[]> => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push((await c.read({})).servedBy);
      return out;
    };
    const first = await servedBy(20);
    expect(new Set(first)).toEqual(new Set(['a', 'b']));

    // A shuts down gracefully while calls keep going: none fails, B takes them all.
    const failures: unknown[] = [];
    let running = true;
    const seen: string[] = [];
    const load = (async () => {
      while (running) await c.read({}).then((r) => void seen.push(r.servedBy), (e: unknown) => void failures.push(e));
    })();
    await new Promise<void>((resolve) => a.server.tryShutdown(() => resolve()));
    const afterShutdown = seen.length;
    await vi.waitFor(() => expect(seen.length - afterShutdown).toBeGreaterThan(20), { timeout: 10_000 });
    expect(new Set(seen.slice(afterShutdown))).toEqual(new Set(['b']));

    // A replacement on A's address gets calls again (the channel reconnects to the address it resolved).
    await retryServer('a2', 0, status.UNAVAILABLE, a.port);
    await vi.waitFor(() => expect(seen).toContain('a2'), { timeout: 30_000, interval: 50 });
    running = false;
    await load;
    expect(failures).toEqual([]);
  });
});
