import { EventEmitter } from 'node:events';
import { constants } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { limitHeaderLists } from '../src/header-list-limit.js';

// The check in front of grpc-js's 'stream' listener (ADR 0055), on an emitter standing in for Node's HTTP/2 server:
// how it counts a header list, and what it does when Node hands it no raw header list.

/** A stream that records how it was closed. */
function fakeStream(): { closedWith: number | undefined; close(code: number): void; on(): void } {
  return {
    closedWith: undefined,
    close(code: number) {
      this.closedWith = code;
    },
    on() {},
  };
}

/** An emitter with one 'stream' listener, as grpc-js leaves it, and the check in front. */
function guarded(maxBytes: number): { server: EventEmitter; reached: unknown[] } {
  const server = new EventEmitter();
  const reached: unknown[] = [];
  server.on('stream', (stream: unknown) => reached.push(stream));
  expect(limitHeaderLists(server as never, maxBytes)).toBe(true);
  return { server, reached };
}

describe('limitHeaderLists', () => {
  it('counts as HTTP/2 does (RFC 9113 6.5.2: name and value octets plus 32 per field): the limit passes, one octet more is reset', () => {
    const { server, reached } = guarded(100);
    // Two fields: (5 + 4 + 32) + (7 + v + 32) = 80 + v.
    const atLimit = fakeStream();
    server.emit('stream', atLimit, {}, 0, [':path', '/a/b', 'x-token', 'a'.repeat(20)]);
    const over = fakeStream();
    server.emit('stream', over, {}, 0, [':path', '/a/b', 'x-token', 'a'.repeat(21)]);
    expect(reached).toEqual([atLimit]);
    expect(atLimit.closedWith).toBeUndefined();
    expect(over.closedWith).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
  });

  it('fails closed when Node passes no raw header list: the stream is reset, nothing is thrown, grpc-js never sees it', () => {
    const { server, reached } = guarded(16_384);
    const stream = fakeStream();
    expect(() => server.emit('stream', stream, { ':path': '/a/b' }, 0, undefined)).not.toThrow();
    expect(stream.closedWith).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(reached).toEqual([]);
  });

  it('refuses to wrap a server on which grpc-js registered no stream listener', () => {
    expect(limitHeaderLists(new EventEmitter() as never, 16_384)).toBe(false);
  });
});
