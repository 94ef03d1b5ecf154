// Rule values protobufjs parses differently from protoc (found by review): each is either read as protoc reads it
// or refused at start-up, never evaluated as something else.
import { create, type DescMessage } from '@bufbuild/protobuf';
import { createValidator } from '@bufbuild/protovalidate';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleRegistry } from '../src/rules-registry.js';
import { VALIDATE_PROTO_DIR } from '../src/index.js';

const dir = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const registry = loadRuleRegistry({ root: dir('./protos-rules'), files: ['rampart/test/rules/v1/rules.proto'], includeDirs: [VALIDATE_PROTO_DIR] });
const validator = createValidator({ registry });
const tricky = registry.getMessage('rampart.test.rules.v1.Tricky') as DescMessage;
const line = registry.getMessage('rampart.test.rules.v1.Line') as DescMessage;

/** The rule ids a message breaks. */
function broken(init: Record<string, unknown>): string[] {
  const result = validator.validate(tricky, create(tricky, { code: 1, ratio: 0.5, magic: Buffer.from('PK'), ...init }));
  if (result.kind === 'error') throw result.error;
  return result.kind === 'valid' ? [] : result.error.violations.map((v) => v.ruleId);
}

describe('rule values read as protoc reads them', () => {
  it('a list of repeated values keeps a first value of 0', () => {
    expect(broken({ code: 0 })).toEqual(['int32.not_in']);
    expect(broken({ code: 13 })).toEqual(['int32.not_in']);
    expect(broken({ code: 7 })).toEqual([]);
  });

  it('a bytes value is the bytes written, not base64', () => {
    expect(broken({ magic: Buffer.from('PK\x03\x04', 'latin1') })).toEqual([]);
    expect(broken({ magic: Buffer.from('<', 'latin1') })).toEqual(['bytes.prefix']);
  });

  it('a Duration written { seconds: 60 } and a bound of -inf are read', () => {
    expect(broken({ wait: create(DurationSchema, { seconds: 61n }) })).toEqual(['duration.lte']);
    expect(broken({ wait: create(DurationSchema, { seconds: 60n }) })).toEqual([]);
    expect(broken({ ratio: 2 })).toEqual(['double.gt_lt']);
  });

  it('a map whose entry protobufjs names like a message, a map of scalars and a message-typed extension all load', () => {
    const lines = Object.fromEntries(['a', 'b', 'c'].map((k) => [k, create(line, { sku: 'x' })]));
    expect(broken({ line: lines })).toEqual(['map.max_pairs']);
    expect(broken({ line: { a: create(line, { sku: '' }) } })).toEqual(['string.min_len']);
    expect(tricky.fields.find((f) => f.name === 'labels')?.fieldKind).toBe('map');
    expect(registry.getExtension('rampart.test.rules.v1.example_rule')?.message?.typeName).toBe('rampart.test.rules.v1.Line');
  });

  it("a quote inside '…' quotes needs no escape", () => {
    expect(broken({ quote: 'say "hi"' })).toEqual(['string.pattern']);
    expect(broken({ quote: 'say hi' })).toEqual([]);
  });
});

describe('rule values protobufjs would misread stop start-up, naming the file, the line and the fix', () => {
  const load = (name: string): unknown => loadRuleRegistry({ root: dir(`./protos-refused/${name}`), files: [`${name}.proto`], includeDirs: [VALIDATE_PROTO_DIR] });

  it('an escape other than \\\\, \\n, \\r, \\t in a string', () => {
    expect(() => load('escape')).toThrow(/escape\.proto:5: the escape \\" in a string/);
  });

  it('a repeated rule set value by value (a first 0 would be lost)', () => {
    expect(() => load('repeated')).toThrow(/repeated\.proto:5: the repeated rule not_in set without a list: .*\{ not_in: \[0, 13\] \}/);
  });

  it('a 64-bit bound beyond 2^53 (protobufjs rounds it)', () => {
    expect(() => load('int64')).toThrow(/refused\.int64\.M\.id cannot be read: gt = 9007199254740992 is beyond 2\^53/);
  });
});
