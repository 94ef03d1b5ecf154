import { describe, expect, it } from 'vitest';
import { RampartError, Status, statusName } from '../src/index.js';
import { GENERIC_INTERNAL_MESSAGE, STATUS_BY_CODE } from '../src/internal.js';

describe('RampartError', () => {
  it('maps auth failures: bad credentials to UNAUTHENTICATED, not allowed to PERMISSION_DENIED', () => {
    expect(new RampartError('ERR_TOKEN_EXPIRED', 'invalid token').status).toBe(Status.UNAUTHENTICATED);
    expect(new RampartError('ERR_NO_CLIENT_CERTIFICATE', 'x').status).toBe(Status.UNAUTHENTICATED);
    expect(new RampartError('ERR_INSUFFICIENT_SCOPE', 'x').status).toBe(Status.PERMISSION_DENIED);
    expect(new RampartError('ERR_PEER_NOT_ALLOWED', 'x').status).toBe(Status.PERMISSION_DENIED);
  });

  it('maps every code to a real gRPC status', () => {
    const valid = new Set<number>(Object.values(Status));
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
      expect(valid.has(status), code).toBe(true);
      expect(status, code).not.toBe(Status.OK);
    }
  });

  it('keeps the message public except for INTERNAL, whose message is generic', () => {
    expect(new RampartError('ERR_NOT_FOUND', 'no such sku').publicMessage).toBe('no such sku');
    expect(new RampartError('ERR_INTERNAL', 'db password rejected').publicMessage).toBe(GENERIC_INTERNAL_MESSAGE);
    expect(new RampartError('ERR_CONFIG_INVALID', 'bad key').publicMessage).toBe(GENERIC_INTERNAL_MESSAGE);
  });

  it('from(): returns RampartErrors as they are', () => {
    const err = new RampartError('ERR_NOT_FOUND', 'gone');
    expect(RampartError.from(err)).toBe(err);
  });

  it('from(): wraps unknown values as INTERNAL with a generic message and keeps the cause', () => {
    const cause = new Error('connection string postgres://u:secret@db');
    const err = RampartError.from(cause);
    expect(err.code).toBe('ERR_INTERNAL');
    expect(err.message).toBe(GENERIC_INTERNAL_MESSAGE);
    expect(err.cause).toBe(cause);
    expect(RampartError.from('a string').code).toBe('ERR_INTERNAL');
    expect(RampartError.from(undefined).code).toBe('ERR_INTERNAL');
  });

  it('from(): turns aborts into CANCELLED', () => {
    const controller = new AbortController();
    controller.abort();
    let caught: unknown;
    try {
      controller.signal.throwIfAborted();
    } catch (e) {
      caught = e;
    }
    expect(RampartError.from(caught).status).toBe(Status.CANCELLED);
  });

  it('keeps the internal reason out of the message', () => {
    const err = new RampartError('ERR_TOKEN_INVALID', 'invalid token', { reason: 'aud mismatch: orders' });
    expect(err.message).toBe('invalid token');
    expect(err.reason).toBe('aud mismatch: orders');
  });

  it('names status codes', () => {
    expect(statusName(16)).toBe('UNAUTHENTICATED');
    expect(statusName(99)).toBe('STATUS_99');
  });
});
