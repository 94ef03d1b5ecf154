import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEcho, encodeEcho, encodeStreamRequest, frame, FrameDecoder } from '../../src/load/grpc-frame.js';

// Issue 18, item 3: the gRPC length-prefixed framing and the tiny protobuf messages the load generator reads from a
// server, for any messages, any chunking and any bytes. `pnpm fuzz` (target grpc-frame) runs the same checks
// coverage-guided.

const RUNS = Number(process.env['RAMPART_FUZZ_RUNS'] ?? 300);
const MESSAGES = fc.array(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { maxLength: 6 });
const CUTS = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 });

function decodeInChunks(stream: Buffer, cuts: readonly number[]): { messages: Buffer[]; pending: number } {
  const decoder = new FrameDecoder();
  const messages: Buffer[] = [];
  for (let at = 0, i = 0; at < stream.length; i++) {
    const size = cuts[i % cuts.length] as number;
    messages.push(...decoder.push(stream.subarray(at, at + size)));
    at += size;
  }
  return { messages, pending: decoder.pendingBytes };
}

describe('gRPC framing and the bench messages, arbitrary', () => {
  it('framed messages decode the same whatever the chunking, a cut-off tail stays pending', () => {
    fc.assert(
      fc.property(MESSAGES, CUTS, fc.nat({ max: 20 }), (messages, cuts, cutOff) => {
        const whole = Buffer.concat(messages.map((m) => frame(m)));
        const stream = whole.subarray(0, Math.max(0, whole.length - cutOff));
        const { messages: out, pending } = decodeInChunks(stream, cuts);
        expect(Buffer.concat(out.map((m) => frame(m))).length + pending).toBe(stream.length);
        expect(out).toEqual(messages.slice(0, out.length));
        if (cutOff === 0) expect([out.length, pending]).toEqual([messages.length, 0]);
      }),
      { numRuns: RUNS },
    );
  });

  it('any payload round-trips; any bytes decode to a string or an Error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat(), (payload, count) => {
        expect(decodeEcho(encodeEcho(payload))).toBe(payload);
        expect(decodeEcho(encodeStreamRequest(payload, count))).toBe(payload);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        try {
          expect(typeof decodeEcho(Buffer.from(bytes))).toBe('string');
        } catch (error) {
          expect((error as Error).constructor).toBe(Error);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
