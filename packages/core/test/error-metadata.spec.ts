import { describe, expect, it } from 'vitest';
import { ErrorMetadata, RampartError } from '../src/index.js';

describe('error metadata', () => {
  it('takes single values and lists, text and -bin bytes, and reads like grpc-js Metadata', () => {
    const error = new RampartError('ERR_RESOURCE_EXHAUSTED', 'slow down', {
      metadata: { 'retry-after-ms': '250', 'x-hint': ['a', 'b'], 'trace-bin': Buffer.from([1, 2]) },
    });
    expect(error.metadata.get('retry-after-ms')).toEqual(['250']);
    expect(error.metadata.get('x-hint')).toEqual(['a', 'b']);
    expect(error.metadata.get('trace-bin')).toEqual([Buffer.from([1, 2])]);
    expect(error.metadata.get('absent')).toEqual([]);
    expect(error.metadata.keys()).toEqual(['retry-after-ms', 'x-hint', 'trace-bin']);
  });

  it('is empty when none is given', () => {
    expect(new RampartError('ERR_NOT_FOUND', 'gone').metadata.size).toBe(0);
  });

  it.each([
    [{ 'Retry-After': '1' }, /lower-case letters/],
    [{ 'grpc-status': '0' }, /reserved/],
    [{ 'rampart-error-code': 'ERR_X' }, /reserved/],
    [{ 'data-bin': 'text' }, /must be Buffers/],
    [{ data: Buffer.from('x') }, /printable ASCII/],
    [{ note: 'line\nbreak' }, /printable ASCII/],
  ])('refuses metadata gRPC could not send or that would forge a reserved trailer: %j', (metadata, message) => {
    expect(() => new RampartError('ERR_NOT_FOUND', 'gone', { metadata: metadata as never })).toThrow(message);
  });

  it('received metadata is taken as is, keys lower-cased', () => {
    const received = ErrorMetadata.received([['X-Server', ['a']]]);
    expect(received.get('x-server')).toEqual(['a']);
  });
});
