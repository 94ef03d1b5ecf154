// Issue 21 item 4: the standard google.rpc error details. What richDetails writes is what protobufjs reads with the
// messages of google/rpc/error_details.proto (declared below from the published field numbers), and what protobufjs
// writes readRichDetails reads; hostile bytes never throw.
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { readRichDetails, richDetails, type ErrorDetail } from '../src/index.js';

const root = protobuf.parse(`
syntax = "proto3";
package google.rpc;
message Duration { int64 seconds = 1; int32 nanos = 2; }
message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
message RetryInfo { Duration retry_delay = 1; }
message QuotaFailure { message Violation { string subject = 1; string description = 2; } repeated Violation violations = 1; }
message PreconditionFailure { message Violation { string type = 1; string subject = 2; string description = 3; } repeated Violation violations = 1; }
message BadRequest { message FieldViolation { string field = 1; string description = 2; string reason = 3; } repeated FieldViolation field_violations = 1; }
message ResourceInfo { string resource_type = 1; string resource_name = 2; string owner = 3; string description = 4; }
`).root;
const type = (name: string) => root.lookupType(`google.rpc.${name}`);
const read = (detail: ErrorDetail) => type(detail.typeUrl.split('.').pop() as string).toObject(type(detail.typeUrl.split('.').pop() as string).decode(detail.value), { longs: Number, defaults: true });
const written = (name: string, value: object): ErrorDetail => ({ typeUrl: `type.googleapis.com/google.rpc.${name}`, value: type(name).encode(type(name).fromObject(value)).finish() });

const text = fc.string({ maxLength: 40 });

describe('google.rpc error details', () => {
  it('ErrorInfo round-trips through protobufjs both ways, metadata map included', () => {
    fc.assert(
      fc.property(text, text, fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), text, { maxKeys: 5 }), (reason, domain, metadata) => {
        const detail = richDetails.errorInfo({ reason, domain, metadata });
        expect(read(detail)).toEqual({ reason, domain, metadata });
        expect(readRichDetails([written('ErrorInfo', { reason, domain, metadata })])).toEqual([{ type: 'ErrorInfo', value: { reason, domain, metadata } }]);
      }),
    );
  });

  it('RetryInfo carries the delay as a Duration (seconds and nanos)', () => {
    expect(read(richDetails.retryInfo({ retryDelayMs: 1_250.5 }))).toEqual({ retryDelay: { seconds: 1, nanos: 250_500_000 } });
    expect(readRichDetails([written('RetryInfo', { retryDelay: { seconds: 3, nanos: 5_000_000 } })])).toEqual([{ type: 'RetryInfo', value: { retryDelayMs: 3_005 } }]);
    expect(() => richDetails.retryInfo({ retryDelayMs: -1 })).toThrow(TypeError);
    // A hostile server's year-long delay is read as the longest a Node timer can wait, not one that fires at once.
    expect(readRichDetails([written('RetryInfo', { retryDelay: { seconds: 31_536_000 } })])).toEqual([{ type: 'RetryInfo', value: { retryDelayMs: 2 ** 31 - 1 } }]);
  });

  it('the violation lists and ResourceInfo round-trip through protobufjs', () => {
    const cases: [string, ErrorDetail, object][] = [
      ['QuotaFailure', richDetails.quotaFailure({ violations: [{ subject: 'client:a', description: '10 calls per second' }] }), { violations: [{ subject: 'client:a', description: '10 calls per second' }] }],
      [
        'PreconditionFailure',
        richDetails.preconditionFailure({ violations: [{ type: 'STOCK', subject: 'SKU-1', description: 'out of stock' }] }),
        { violations: [{ type: 'STOCK', subject: 'SKU-1', description: 'out of stock' }] },
      ],
      [
        'BadRequest',
        richDetails.badRequest({ fieldViolations: [{ field: 'sku', description: 'bad', reason: 'PATTERN' }, { field: 'quantity', description: '> 0', reason: '' }] }),
        { fieldViolations: [{ field: 'sku', description: 'bad', reason: 'PATTERN' }, { field: 'quantity', description: '> 0', reason: '' }] },
      ],
      [
        'ResourceInfo',
        richDetails.resourceInfo({ resourceType: 'order', resourceName: 'ord-1', owner: 'alice', description: 'd' }),
        { resourceType: 'order', resourceName: 'ord-1', owner: 'alice', description: 'd' },
      ],
    ];
    for (const [name, detail, expected] of cases) {
      expect(read(detail)).toEqual(expected);
      expect(readRichDetails([written(name, expected)])).toEqual([{ type: name, value: expected }]);
    }
  });

  it('leaves out details of other types and malformed ones, and never throws on hostile bytes', () => {
    const good = richDetails.resourceInfo({ resourceType: 'order', resourceName: 'ord-1', owner: '', description: '' });
    expect(readRichDetails([{ typeUrl: 'type.googleapis.com/acme.Custom', value: Uint8Array.of(1, 2) }, { typeUrl: good.typeUrl, value: Uint8Array.of(0x0a, 0x05, 0x61) }, good])).toHaveLength(1);
    fc.assert(
      fc.property(fc.constantFrom('ErrorInfo', 'RetryInfo', 'QuotaFailure', 'PreconditionFailure', 'BadRequest', 'ResourceInfo'), fc.uint8Array({ maxLength: 64 }), (name, bytes) => {
        expect(() => readRichDetails([{ typeUrl: `type.googleapis.com/google.rpc.${name}`, value: bytes }])).not.toThrow();
      }),
    );
  });

  it('reads at most 64 entries of a list', () => {
    const many = written('BadRequest', { fieldViolations: Array.from({ length: 100 }, (_, i) => ({ field: `f${i}` })) });
    const [decoded] = readRichDetails([many]);
    expect(decoded?.type === 'BadRequest' && decoded.value.fieldViolations.length).toBe(64);
  });
});
