import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeEcho, encodeEcho, encodeStreamRequest, frame, FrameDecoder, varint } from '../src/load/grpc-frame.js';
import { BENCH_PROTO_FILE, BENCH_PROTO_ROOT } from '../src/paths.js';

const root = protobuf.loadSync(join(BENCH_PROTO_ROOT, BENCH_PROTO_FILE));
const EchoRequest = root.lookupType('rampart.bench.v1.EchoRequest');
const EchoResponse = root.lookupType('rampart.bench.v1.EchoResponse');
const StreamRequest = root.lookupType('rampart.bench.v1.StreamRequest');
const PAYLOADS = ['', 'x', 'rampart-bench-payload', 'ünïcødé ✓', 'a'.repeat(200), 'b'.repeat(20_000)];

describe('hand-encoded bench messages agree with protobufjs', () => {
  it.each(PAYLOADS.map((p) => [p.length, p]))('EchoRequest of %i characters', (_, payload) => {
    const ours = encodeEcho(payload);
    // protobufjs writes a field set to its default; proto3 encoders may omit it, as ours does. Both decode alike.
    if (payload !== '') expect(Buffer.from(EchoRequest.encode({ payload }).finish())).toEqual(ours);
    expect(EchoRequest.toObject(EchoRequest.decode(ours), { defaults: true })).toEqual({ payload });
  });

  it.each([0, 1, 100, 127, 128, 300, 16_384, 2 ** 31 + 5])('StreamRequest with count %i', (count) => {
    const ours = encodeStreamRequest('p', count);
    if (count !== 0) expect(Buffer.from(StreamRequest.encode({ payload: 'p', count }).finish())).toEqual(ours);
    expect(StreamRequest.toObject(StreamRequest.decode(ours), { defaults: true })).toEqual({ payload: 'p', count });
  });

  it.each(PAYLOADS.map((p) => [p.length, p]))('decodes what protobufjs encodes (%i characters)', (_, payload) => {
    expect(decodeEcho(Buffer.from(EchoResponse.encode({ payload }).finish()))).toBe(payload);
  });

  it('skips unknown fields of every wire type and refuses truncated input', () => {
    const unknown = Buffer.concat([
      Buffer.from([(5 << 3) | 0]),
      varint(300),
      Buffer.from([(6 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8]),
      Buffer.from([(7 << 3) | 5, 1, 2, 3, 4]),
      Buffer.from([(8 << 3) | 2, 2, 0xff, 0xff]),
      encodeEcho('kept'),
    ]);
    expect(decodeEcho(unknown)).toBe('kept');
    expect(() => decodeEcho(encodeEcho('truncated').subarray(0, 5))).toThrow(/truncated/);
  });

  it('varints match protobuf for edge values', () => {
    expect(varint(0)).toEqual(Buffer.from([0]));
    expect(varint(127)).toEqual(Buffer.from([0x7f]));
    expect(varint(128)).toEqual(Buffer.from([0x80, 0x01]));
    expect(varint(0xffffffff)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(() => varint(-1)).toThrow(RangeError);
  });
});

describe('gRPC length-prefixed framing', () => {
  it('prefixes a message with flag 0 and its big-endian length', () => {
    const framed = frame(encodeEcho('hi'));
    expect([...framed.subarray(0, 5)]).toEqual([0, 0, 0, 0, 4]);
    expect(framed.subarray(5)).toEqual(encodeEcho('hi'));
  });

  it('decodes messages whatever the chunking: split prefixes, several per chunk, empty messages', () => {
    const messages = [encodeEcho('one'), Buffer.alloc(0), encodeEcho('three'), encodeEcho('x'.repeat(20_000))];
    const stream = Buffer.concat(messages.map(frame));
    for (const size of [1, 2, 5, 7, 64, 16_384, stream.length]) {
      const decoder = new FrameDecoder();
      const out: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) out.push(...decoder.push(stream.subarray(at, at + size)));
      expect(out).toEqual(messages);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('refuses compressed messages', () => {
    const compressed = frame(encodeEcho('z'));
    compressed[0] = 1;
    expect(() => new FrameDecoder().push(compressed)).toThrow(/compressed/);
  });
});
