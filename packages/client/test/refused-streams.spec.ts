import { credentials, status } from '@grpc/grpc-js';
import type { MethodShape, ServiceClient, ServiceDescriptor } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { mkdir } from 'node:fs/promises';
import { createServer, constants as h2, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient } from '../src/index.js';
import { wasRefused } from '../src/refused-streams.js';
import { tempDir, type TempDir } from './tls/support/pki-dir.js';

// Issue 18: a stream a server refused unprocessed is sent again by the client, streams included: the messages of a
// client stream are kept until the server answers and sent again from the first; once it answered, never again.

const PROTO = 'rampart/test/v1/streams.proto';
const SOURCE = `syntax = "proto3";
package rampart.test.v1;
message Item { string v = 1; }
message Count { int32 n = 1; }
service Streams {
  rpc Upload(stream Item) returns (Count);
  rpc Sync(stream Item) returns (stream Count);
  rpc Download(Item) returns (stream Count);
}
`;
type Count = { n?: number };
type Shape = {
  readonly upload: MethodShape<'clientStream', object, object, Count, Count>;
  readonly sync: MethodShape<'bidi', object, object, Count, Count>;
  readonly download: MethodShape<'serverStream', object, object, Count, Count>;
};
const path = (m: string) => `/rampart.test.v1.Streams/${m}`;
const Descriptor: ServiceDescriptor<Shape> = {
  typeName: 'rampart.test.v1.Streams',
  protoFile: PROTO,
  methods: {
    upload: { name: 'Upload', path: path('Upload'), kind: 'clientStream' },
    sync: { name: 'Sync', path: path('Sync'), kind: 'bidi' },
    download: { name: 'Download', path: path('Download'), kind: 'serverStream' },
  },
};

let tmp: TempDir;
let protoRoot: string;
beforeAll(async () => {
  tmp = await tempDir();
  await mkdir(tmp.path('protos/rampart/test/v1'), { recursive: true });
  await tmp.write(`protos/${PROTO}`, SOURCE);
  protoRoot = tmp.path('protos');
});
afterAll(() => tmp.remove());

const servers: Http2Server[] = [];
const clients: object[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) closeClient(c);
  for (const s of servers.splice(0)) s.close();
});

/** A length-prefixed Count message (field 1, varint). */
const count = (n: number): Buffer => Buffer.from([0, 0, 0, 0, 2, 0x08, n]);

/**
 * A bare HTTP/2 server: `behave(n, stream)` may refuse stream n (numbered from 1); the others read every request
 * message and answer with how many arrived (Download: with 1 and 2). `received` lists the count per served stream.
 */
async function server(behave: (n: number, stream: ServerHttp2Stream) => boolean) {
  let streams = 0;
  const received: number[] = [];
  const s = createServer();
  servers.push(s);
  s.on('stream', (stream, headers) => {
    streams += 1;
    stream.on('error', () => undefined);
    if (behave(streams, stream)) return;
    let bytes = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => (bytes = Buffer.concat([bytes, chunk])));
    stream.on('end', () => {
      let messages = 0;
      for (let at = 0; at + 5 <= bytes.length; at += 5 + bytes.readUInt32BE(at + 1)) messages += 1;
      received.push(messages);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      if (headers[':path'] === path('Download')) stream.end(Buffer.concat([count(1), count(2)]));
      else stream.end(count(messages));
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { port: (s.address() as AddressInfo).port, streams: () => streams, received };
}

const refuseFirst = (k: number) => (n: number, stream: ServerHttp2Stream) => n <= k && (stream.close(h2.NGHTTP2_REFUSED_STREAM), true);

function client(port: number, grpcJsRetries = true): ServiceClient<Shape> {
  const c = createClient(Descriptor, {
    address: `127.0.0.1:${port}`,
    protoRoot,
    credentials: credentials.createInsecure(),
    defaultDeadlineMs: 10_000,
    ...(grpcJsRetries ? {} : { channelOptions: { 'grpc.enable_retries': 0 } }),
  });
  clients.push(c);
  return c;
}

/** Three items from a generator that pauses between them, counting what it produced. */
function items(produced: { n: number }) {
  return (async function* () {
    for (const v of ['a', 'b', 'c']) {
      await new Promise((r) => setTimeout(r, 20)); // a sleep on purpose: a slow producer
      produced.n += 1;
      yield { v };
    }
  })();
}

describe('refused streams are sent again, requests included', () => {
  it('client stream: refused three times, the fourth attempt carries every message, each produced once', async () => {
    const s = await server(refuseFirst(3));
    const produced = { n: 0 };
    expect(await client(s.port, false).upload(items(produced))).toEqual({ n: 3 });
    expect([s.streams(), s.received, produced.n]).toEqual([4, [3], 3]);
  });

  it('bidi stream: refused twice (grpc-js retries on), then every message arrives once', async () => {
    const s = await server(refuseFirst(2));
    const produced = { n: 0 };
    const answers: Count[] = [];
    for await (const answer of client(s.port).sync(items(produced))) answers.push(answer);
    expect(answers).toEqual([{ n: 3 }]);
    expect([s.received, produced.n]).toEqual([[3], 3]);
  });

  it('server stream: refused three times, then answered in full', async () => {
    const s = await server(refuseFirst(3));
    const answers: Count[] = [];
    for await (const answer of client(s.port, false).download({ v: 'x' })) answers.push(answer);
    expect(answers).toEqual([{ n: 1 }, { n: 2 }]);
    expect(s.streams()).toBe(4);
  });

  it('once the server answered (response headers), a refusal is not sent again', async () => {
    const s = await server((n, stream) => {
      if (n > 1) return false;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      setTimeout(() => stream.close(h2.NGHTTP2_REFUSED_STREAM), 50);
      return true;
    });
    const err = await rampartErrorOf(client(s.port, false).upload(items({ n: 0 })));
    // What grpc-js reports depends on where the client was: UNAVAILABLE ('Stream refused by server', or a write error
    // naming REFUSED_STREAM), or INTERNAL when its next write came after the stream ended (a loaded machine).
    expect([status.UNAVAILABLE, status.INTERNAL]).toContain(err.status);
    expect(s.streams()).toBe(1);
  });

  it('knows a refusal in both forms grpc-js reports it: as the end of the stream, and as the error of a write under way', () => {
    const unavailable = (details: string) => ({ code: status.UNAVAILABLE, details });
    expect(wasRefused(unavailable('Stream refused by server'))).toBe(true);
    expect(wasRefused(unavailable('Write error: Stream closed with error code NGHTTP2_REFUSED_STREAM'))).toBe(true);
    expect(wasRefused(unavailable('Write error: Stream closed with error code NGHTTP2_CANCEL'))).toBe(false);
    expect(wasRefused({ code: status.INTERNAL, details: 'Stream refused by server' })).toBe(false);
  });

  it('another UNAVAILABLE (the server application answered it) is not sent again', async () => {
    const s = await server((n, stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'busy' }, { endStream: true });
      return true;
    });
    const err = await rampartErrorOf(client(s.port).upload(items({ n: 0 })));
    expect([err.status, err.message]).toEqual([status.UNAVAILABLE, 'busy']);
    expect(s.streams()).toBe(1);
  });
});
