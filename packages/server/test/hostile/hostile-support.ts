import { closeClient, createClient } from '@rampart/client';
import { connect as h2connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { createApp, type RampartApp } from '../../src/index.js';
import { EchoService, PingService } from '../fixtures/echo-service.js';
import { protoRoot, testConfigValues } from '../fixtures/harness.js';
import { frame } from '../fixtures/raw-h2-peer.js';
import { PingServiceDescriptor } from '../generated/index.js';
import { clientCredentials, PkiFixture } from '../tls/pki-fixture.js';

// What the hostile-input tests share: a real Rampart server over TLS, a well-behaved client to show it still serves,
// and hand-driven HTTP/2 (Node's client for crafted gRPC frames, a raw TLS socket for frame floods).

export interface HostileServer {
  readonly app: RampartApp;
  readonly port: number;
  readonly pki: PkiFixture;
  /** One valid call on a new connection: resolves when the server answered it. */
  servesValidCall(): Promise<void>;
  close(): Promise<void>;
}

export async function startHostileServer(server: Record<string, unknown> = {}): Promise<HostileServer> {
  const pki = await PkiFixture.create();
  const app = await createApp({
    name: 'hostile-test',
    services: [EchoService, PingService],
    protos: { root: protoRoot },
    config: { values: { ...testConfigValues, ...pki.values(), server: { ...testConfigValues.server, ...server } }, env: {} },
    handleSignals: false,
  });
  const { port } = await app.listen();
  return {
    app,
    port,
    pki,
    async servesValidCall() {
      const ping = createClient(PingServiceDescriptor, {
        address: `127.0.0.1:${port}`,
        protoRoot,
        credentials: clientCredentials(pki.ca.certPem),
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
        defaultDeadlineMs: 5_000,
      });
      try {
        await ping.ping({});
      } finally {
        closeClient(ping);
      }
    },
    async close() {
      await app.close({ graceMs: 200, drainDelayMs: 0 });
      pki.cleanup();
    },
  };
}

/** An HTTP/2 session over TLS to the server (no client certificate: the test methods are public). */
export function h2Session(server: HostileServer): ClientHttp2Session {
  const session = h2connect(`https://localhost:${server.port}`, { ca: server.pki.ca.certPem });
  session.on('error', () => undefined);
  return session;
}

/** A gRPC message: the compressed flag, the length the prefix claims (default: the real one), the bytes. */
export function grpcMessage(payload: Buffer, options: { compressed?: boolean; claimedLength?: number } = {}): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = options.compressed ? 1 : 0;
  prefix.writeUInt32BE(options.claimedLength ?? payload.length, 1);
  return Buffer.concat([prefix, payload]);
}

/** EchoRequest { text } in protobuf (field 1, a short string). */
export const echoRequest = (text: string): Buffer => Buffer.concat([Buffer.from([0x0a, text.length]), Buffer.from(text)]);

/** Sends one gRPC call made of `body` (and ends it unless `keepOpen`), resolving with the response's status. */
export function rawCall(
  session: ClientHttp2Session,
  path: string,
  body: Buffer,
  options: { headers?: Record<string, string>; keepOpen?: boolean } = {},
): Promise<{ status: string | undefined; message: string | undefined }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...options.headers,
    });
    let headers: IncomingHttpHeaders = {};
    stream.on('response', (h) => {
      headers = h;
      // A trailers-only answer (an error before any message) carries the status in the response headers.
      if (h['grpc-status'] !== undefined) resolve({ status: h['grpc-status'] as string, message: h['grpc-message'] as string | undefined });
    });
    stream.on('trailers', (t) => {
      headers = { ...headers, ...t };
      // The server ended the call (its half may close while ours is still open): that is the answer.
      resolve({ status: headers['grpc-status'] as string | undefined, message: headers['grpc-message'] as string | undefined });
    });
    stream.on('data', () => undefined);
    stream.on('error', reject);
    stream.on('close', () => resolve({ status: headers['grpc-status'] as string | undefined, message: headers['grpc-message'] as string | undefined }));
    if (options.keepOpen) stream.write(body);
    else stream.end(body);
  });
}

/** A TLS socket speaking h2 (ALPN) that has sent the client preface and an empty SETTINGS frame. */
export async function rawH2Tls(server: HostileServer): Promise<TLSSocket> {
  const socket = tlsConnect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: server.pki.ca.certPem, ALPNProtocols: ['h2'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frame(0x4, 0, 0, Buffer.alloc(0))]));
  return socket;
}

/** Resolves with the error code of the first GOAWAY the server sends on `socket` within `ms`, or undefined. */
export function goawayWithin(socket: TLSSocket, ms: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => resolve(undefined), ms);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9) {
        const length = buffered.readUIntBE(0, 3);
        if (buffered.length < 9 + length) break;
        if (buffered[3] === 0x7) {
          clearTimeout(timer);
          resolve(buffered.readUInt32BE(9 + 4));
        }
        buffered = buffered.subarray(9 + length);
      }
    });
    socket.once('close', () => (clearTimeout(timer), resolve(undefined)));
  });
}

/** Resolves true when `socket` is closed within `ms`, false otherwise. */
export function closedWithin(socket: { once(event: 'close', f: () => void): unknown; destroyed?: boolean }, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => (clearTimeout(timer), resolve(true)));
  });
}

export { frame };
