import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVERSIZED_STREAMS_PER_SESSION } from '../../src/header-list-limit.js';
import { probe } from '../fixtures/echo-service.js';
import { echoRequest, frame, grpcMessage, h2Session, rawCall, rawH2Tls, startHostileServer, type HostileServer } from './hostile-support.js';

// HPACK and header abuse over TLS against a real Rampart server (server.maxMetadataBytes at its default, 16 KiB):
// header lists past the limit, more header fields than Node allows, and header blocks split into CONTINUATION
// frames, written frame by frame. What comes back is what Node's HTTP/2 (nghttp2) and grpc-js really do.

const ECHO = '/rampart.test.v1.EchoService/Echo';
const FRAME = { DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7, CONTINUATION: 0x9 } as const;
const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;
const ENHANCE_YOUR_CALM = 0xb;
const INTERNAL_ERROR = 0x2;
const MAX_FRAME = 16_384;

/** RFC 7541 5.1: an integer with an N-bit prefix. */
function hpackInt(value: number, prefixBits: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([value]);
  const bytes = [max];
  for (value -= max; value >= 128; value = Math.floor(value / 128)) bytes.push((value % 128) + 128);
  bytes.push(value);
  return Buffer.from(bytes);
}
/** RFC 7541 6.2.2: a literal header field without indexing, new name, no Huffman coding. */
const literal = (name: string, value: string): Buffer =>
  Buffer.concat([Buffer.from([0x00]), hpackInt(name.length, 7), Buffer.from(name), hpackInt(value.length, 7), Buffer.from(value)]);
/** The header block of a valid Echo call, plus `extra`. */
const echoHeaders = (...extra: Buffer[]): Buffer =>
  Buffer.concat([
    literal(':method', 'POST'),
    literal(':scheme', 'https'),
    literal(':path', ECHO),
    literal(':authority', 'localhost'),
    literal('content-type', 'application/grpc'),
    literal('te', 'trailers'),
    ...extra,
  ]);
/** `count` fields of `valueBytes` each: past 16 KiB in total, each well under nghttp2's 64 KiB per field. */
const bigFields = (count: number, valueBytes: number): Buffer[] => Array.from({ length: count }, (_, i) => literal(`x-big-${i}`, 'a'.repeat(valueBytes)));

/** `block` as a HEADERS frame and as many CONTINUATION frames as it needs, then the Echo request message. */
function call(streamId: number, block: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < block.length || offset === 0; offset += MAX_FRAME) {
    const last = offset + MAX_FRAME >= block.length;
    parts.push(frame(offset === 0 ? FRAME.HEADERS : FRAME.CONTINUATION, last ? FLAG.END_HEADERS : 0, streamId, block.subarray(offset, offset + MAX_FRAME)));
  }
  parts.push(frame(FRAME.DATA, FLAG.END_STREAM, streamId, grpcMessage(echoRequest('hi'))));
  return Buffer.concat(parts);
}

/** What the server sends on a raw connection, as frame summaries: `RST_STREAM 1 11`, `GOAWAY 2`, `HEADERS 1`, `PING ACK`. */
function frameLog(socket: TLSSocket): { readonly seen: string[]; readonly closed: Promise<void> } {
  const seen: string[] = [];
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 9 && buffered.length >= 9 + buffered.readUIntBE(0, 3)) {
      const length = buffered.readUIntBE(0, 3);
      const [type, streamId, payload] = [buffered[3], buffered.readUInt32BE(5) & 0x7fffffff, buffered.subarray(9, 9 + length)];
      if (type === FRAME.RST_STREAM) seen.push(`RST_STREAM ${streamId} ${payload.readUInt32BE(0)}`);
      else if (type === FRAME.GOAWAY) seen.push(`GOAWAY ${payload.readUInt32BE(4)}`);
      else if (type === FRAME.HEADERS) seen.push(`HEADERS ${streamId}`);
      else if (type === FRAME.PING && (buffered[4] as number) & FLAG.ACK) seen.push('PING ACK');
      buffered = buffered.subarray(9 + length);
    }
  });
  return { seen, closed: new Promise((resolve) => socket.once('close', () => resolve())) };
}

/** Waits until `condition` holds for the frames seen, or the connection closed, or 5 s passed. */
async function until(log: { seen: string[]; closed: Promise<void> }, condition: (seen: string[]) => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  let closed = false;
  void log.closed.then(() => (closed = true));
  while (!condition(log.seen) && !closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server?.close());

describe('header lists past server.maxMetadataBytes', () => {
  it('from a client that never acknowledges the SETTINGS (Node does not apply the limit then): every stream reset ENHANCE_YOUR_CALM, no handler', async () => {
    probe.reset();
    const socket = await rawH2Tls(server); // preface and SETTINGS, never the ACK of the server's SETTINGS
    const log = frameLog(socket);
    try {
      // One field of 20 KB; 9 fields of 15 KB (a HEADERS frame and 8 CONTINUATIONs, ~135 KB); and 20 more calls.
      socket.write(call(1, echoHeaders(literal('x-big', 'a'.repeat(20_000)))));
      socket.write(call(3, echoHeaders(...bigFields(9, 15_000))));
      for (let id = 5; id < 45; id += 2) socket.write(call(id, echoHeaders(...bigFields(2, 10_000))));
      await until(log, (seen) => seen.length >= 22);
      expect(log.seen).toEqual(Array.from({ length: 22 }, (_, i) => `RST_STREAM ${2 * i + 1} ${ENHANCE_YOUR_CALM}`));
      // The control on the same connection: a call within the limit is served.
      socket.write(call(45, echoHeaders(literal('x-test', 'a'.repeat(8_000)))));
      await until(log, (seen) => seen.includes('HEADERS 45'));
      expect(log.seen).toContain('HEADERS 45');
      expect(probe.calls).toEqual(['echo']);
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });

  it(`a connection that keeps sending them is closed after ${OVERSIZED_STREAMS_PER_SESSION}: GOAWAY ENHANCE_YOUR_CALM, no handler`, async () => {
    probe.reset();
    const socket = await rawH2Tls(server); // never acknowledges, so only Rampart's check stands in the way
    const log = frameLog(socket);
    try {
      const streams = OVERSIZED_STREAMS_PER_SESSION + 5;
      for (let i = 0; i < streams; i++) socket.write(call(2 * i + 1, echoHeaders(...bigFields(2, 10_000))));
      await until(log, (seen) => seen.includes(`GOAWAY ${ENHANCE_YOUR_CALM}`));
      const closed = await Promise.race([log.closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000))]);
      expect(log.seen).toContain(`GOAWAY ${ENHANCE_YOUR_CALM}`);
      expect(closed, 'the server closes the connection').toBe(true);
      expect(log.seen.filter((f) => f.startsWith('RST_STREAM')).length).toBeGreaterThanOrEqual(OVERSIZED_STREAMS_PER_SESSION);
      expect(log.seen.some((f) => f.startsWith('HEADERS'))).toBe(false);
      expect(probe.calls).toEqual([]);
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });

  it('with the acknowledgement sent right after the HEADERS, in the same write: reset, no handler', async () => {
    probe.reset();
    const socket = await rawH2Tls(server);
    const log = frameLog(socket);
    try {
      socket.write(Buffer.concat([call(1, echoHeaders(literal('x-big', 'a'.repeat(20_000)))), frame(FRAME.SETTINGS, FLAG.ACK, 0, Buffer.alloc(0))]));
      await until(log, (seen) => seen.length >= 1);
      expect(log.seen).toEqual([`RST_STREAM 1 ${ENHANCE_YOUR_CALM}`]);
      expect(probe.calls).toEqual([]);
    } finally {
      socket.destroy();
    }
  });

  it('from a client that acknowledged the SETTINGS (Node applies the limit): reset ENHANCE_YOUR_CALM, no handler', async () => {
    probe.reset();
    const socket = await rawH2Tls(server);
    const log = frameLog(socket);
    try {
      // The ACK, then a PING: its answer shows the server has read the ACK before the HEADERS come.
      socket.write(Buffer.concat([frame(FRAME.SETTINGS, FLAG.ACK, 0, Buffer.alloc(0)), frame(FRAME.PING, 0, 0, Buffer.alloc(8))]));
      await until(log, (seen) => seen.includes('PING ACK'));
      socket.write(call(1, echoHeaders(...bigFields(9, 15_000))));
      await until(log, (seen) => seen.length >= 2);
      expect(log.seen).toEqual(['PING ACK', `RST_STREAM 1 ${ENHANCE_YOUR_CALM}`]);
      expect(probe.calls).toEqual([]);
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });

  it("more header fields than Node's maxHeaderListPairs (128), each tiny: Node's client sees ENHANCE_YOUR_CALM, no handler", async () => {
    probe.reset();
    const session = h2Session(server);
    try {
      const headers = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`x-h-${i}`, 'v']));
      const refused = await rawCall(session, ECHO, grpcMessage(echoRequest('hi')), { headers }).then(
        (answer) => `answered ${JSON.stringify(answer)}`,
        (error: Error) => error.message,
      );
      expect(refused).toBe('Stream closed with error code NGHTTP2_ENHANCE_YOUR_CALM');
      expect(probe.calls).toEqual([]);
      // 120 fields fit (Node counts the pseudo-headers too): the same client is served.
      const fits = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`x-h-${i}`, 'v']));
      expect(await rawCall(session, ECHO, grpcMessage(echoRequest('hi')), { headers: fits })).toMatchObject({ status: '0' });
      expect(probe.calls).toEqual(['echo']);
    } finally {
      session.destroy();
    }
  });
});

describe('CONTINUATION floods', () => {
  it('a header block split into 1,000 CONTINUATION frames: the connection is closed (GOAWAY INTERNAL_ERROR), no handler', async () => {
    probe.reset();
    const socket = await rawH2Tls(server);
    const log = frameLog(socket);
    try {
      const frames = [frame(FRAME.HEADERS, 0, 1, echoHeaders())];
      for (let i = 0; i < 1_000; i += 1) frames.push(frame(FRAME.CONTINUATION, i === 999 ? FLAG.END_HEADERS : 0, 1, literal('x-c', 'v')));
      socket.write(Buffer.concat(frames));
      // nghttp2 (1.61+, in Node 20.12+) allows 8 CONTINUATION frames per header block (CVE-2024-27983).
      await log.closed;
      expect(log.seen).toEqual([`GOAWAY ${INTERNAL_ERROR}`]);
      expect(probe.calls).toEqual([]);
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });

  it('an endless header block (empty CONTINUATION frames, no END_HEADERS): the connection is closed, no handler', async () => {
    probe.reset();
    const socket = await rawH2Tls(server);
    const log = frameLog(socket);
    try {
      const empty = frame(FRAME.CONTINUATION, 0, 1, Buffer.alloc(0));
      socket.write(Buffer.concat([frame(FRAME.HEADERS, 0, 1, echoHeaders()), ...Array.from({ length: 10_000 }, () => empty)]));
      const closedInTime = await Promise.race([log.closed.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5_000))]);
      expect(closedInTime).toBe(true);
      expect(log.seen.filter((s) => !s.startsWith('GOAWAY'))).toEqual([]); // a GOAWAY may or may not get through first
      expect(probe.calls).toEqual([]);
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });

  it('the control: a header block in 5 CONTINUATION frames is served', async () => {
    probe.reset();
    const socket = await rawH2Tls(server);
    const log = frameLog(socket);
    try {
      const frames = [frame(FRAME.HEADERS, 0, 1, echoHeaders())];
      for (let i = 0; i < 5; i += 1) frames.push(frame(FRAME.CONTINUATION, i === 4 ? FLAG.END_HEADERS : 0, 1, literal(`x-c-${i}`, 'v')));
      frames.push(frame(FRAME.DATA, FLAG.END_STREAM, 1, grpcMessage(echoRequest('hi'))));
      socket.write(Buffer.concat(frames));
      await until(log, (seen) => seen.includes('HEADERS 1'));
      expect(log.seen[0]).toBe('HEADERS 1');
      await waitForCall();
      expect(probe.calls).toEqual(['echo']);
    } finally {
      socket.destroy();
    }
  });
});

async function waitForCall(): Promise<void> {
  for (let i = 0; i < 100 && probe.calls.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}
