import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRpcStatus, encodeRpcStatus, MAX_RECEIVED_DETAILS } from '../src/error-details.js';

describe('google.rpc.Status codec', () => {
  it('round-trips status, message and details', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 16 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.array(fc.record({ typeUrl: fc.string({ maxLength: 60 }), value: fc.uint8Array({ maxLength: 50 }) }), { maxLength: 5 }),
        (code, message, details) => {
          const decoded = decodeRpcStatus(encodeRpcStatus({ code, message, details }));
          expect(decoded).toEqual({ code, message, details });
        },
      ),
    );
  });

  it('matches bytes protobuf writes for a known message (code 9, "x", one Any)', () => {
    const bytes = encodeRpcStatus({ code: 9, message: 'x', details: [{ typeUrl: 't/a', value: Uint8Array.of(8, 1) }] });
    // 08 09 | 12 01 'x' | 1a 09 [0a 03 't/a' 12 02 08 01]
    expect([...bytes]).toEqual([0x08, 9, 0x12, 1, 0x78, 0x1a, 9, 0x0a, 3, 0x74, 0x2f, 0x61, 0x12, 2, 8, 1]);
  });

  it('never throws on hostile bytes: malformed input gives undefined, unknown fields are skipped', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const decoded = decodeRpcStatus(bytes);
        if (decoded !== undefined) expect(decoded.details.length).toBeLessThanOrEqual(MAX_RECEIVED_DETAILS);
      }),
    );
    expect(decodeRpcStatus(Uint8Array.of(0x12, 5, 0x78))).toBeUndefined(); // length past the end
    expect(decodeRpcStatus(Uint8Array.of(0x08, 0x80))).toBeUndefined(); // truncated varint
    expect(decodeRpcStatus(Uint8Array.of(0x12, 1, 0xff))).toBeUndefined(); // not UTF-8
    expect(decodeRpcStatus(Uint8Array.of(0x25, 1, 2, 3, 4, 0x08, 5))).toEqual({ code: 5, message: '', details: [] });
  });

  it('reads at most 32 details', () => {
    const details = Array.from({ length: 40 }, (_, i) => ({ typeUrl: `t/${i}`, value: new Uint8Array(0) }));
    expect(decodeRpcStatus(encodeRpcStatus({ code: 3, message: '', details }))?.details).toHaveLength(32);
  });
});
