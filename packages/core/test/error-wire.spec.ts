import { describe, expect, it } from 'vitest';
import { defineErrorCode, RampartError, Status, type ErrorMetadataValue } from '../src/index.js';
import {
  codeOnTheWire,
  DEPENDENCY_UNAVAILABLE_MESSAGE,
  encodeRpcStatus,
  errorForCaller,
  GENERIC_INTERNAL_MESSAGE,
  receivedError,
} from '../src/internal.js';

const ERR_OUT_OF_STOCK = defineErrorCode('ERR_OUT_OF_STOCK', Status.FAILED_PRECONDITION);
const ERR_ACCOUNT_LOCKED = defineErrorCode('ERR_ACCOUNT_LOCKED', Status.PERMISSION_DENIED);

function received(status: number, message: string, trailers: Record<string, ErrorMetadataValue[]> = {}): RampartError {
  return receivedError({ status, message, trailers: Object.entries(trailers) });
}

describe('the code on the wire', () => {
  it('sends request-outcome codes and application codes', () => {
    expect(codeOnTheWire(new RampartError('ERR_NOT_FOUND', 'gone'))).toBe('ERR_NOT_FOUND');
    expect(codeOnTheWire(new RampartError(ERR_OUT_OF_STOCK, 'none left'))).toBe('ERR_OUT_OF_STOCK');
    expect(codeOnTheWire(new RampartError(ERR_ACCOUNT_LOCKED, 'locked'))).toBe('ERR_ACCOUNT_LOCKED');
  });

  it('sends no code for server faults, nor the built-in auth codes that would tell which check failed', () => {
    expect(codeOnTheWire(new RampartError('ERR_CONFIG_INVALID', 'bad'))).toBeUndefined();
    expect(codeOnTheWire(new RampartError('ERR_TOKEN_EXPIRED', 'invalid token'))).toBeUndefined();
    expect(codeOnTheWire(new RampartError('ERR_TOKEN_REPLAYED', 'invalid token'))).toBeUndefined();
    expect(codeOnTheWire(new RampartError('ERR_PEER_NOT_ALLOWED', 'denied'))).toBeUndefined();
  });
});

describe('a received error', () => {
  it('has the status, the message, the code sent, the trailers, and is downstream', () => {
    const error = received(Status.FAILED_PRECONDITION, 'none left', {
      'rampart-error-code': ['ERR_OUT_OF_STOCK'],
      'retry-after-ms': ['100'],
    });
    expect(error).toBeInstanceOf(RampartError);
    expect([error.status, error.code, error.message, error.downstream]).toEqual([
      Status.FAILED_PRECONDITION,
      'ERR_OUT_OF_STOCK',
      'none left',
      true,
    ]);
    expect(error.metadata.get('retry-after-ms')).toEqual(['100']);
    expect(RampartError.is(error, ERR_OUT_OF_STOCK)).toBe(true);
  });

  it("takes the status's own code when the server sent none (another gRPC server)", () => {
    expect(received(Status.NOT_FOUND, 'x').code).toBe('ERR_NOT_FOUND');
    expect(received(Status.UNAVAILABLE, 'x').code).toBe('ERR_UNAVAILABLE');
    expect(received(99, 'x')).toMatchObject({ status: Status.UNKNOWN, code: 'ERR_UNKNOWN' });
    expect(received(Status.OK, 'x')).toMatchObject({ status: Status.UNKNOWN, code: 'ERR_UNKNOWN' });
  });

  it('ignores a sent code that does not fit the status or is malformed', () => {
    expect(received(Status.NOT_FOUND, 'x', { 'rampart-error-code': ['ERR_TOKEN_EXPIRED'] }).code).toBe('ERR_NOT_FOUND');
    expect(received(Status.NOT_FOUND, 'x', { 'rampart-error-code': ['drop table'] }).code).toBe('ERR_NOT_FOUND');
    expect(received(Status.INTERNAL, 'x', { 'rampart-error-code': ['ERR_SECRET_THING'] }).code).toBe('ERR_INTERNAL');
  });

  it('decodes details from grpc-status-details-bin when the status agrees', () => {
    const details = [{ typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo', value: Uint8Array.of(10, 1, 65) }];
    const good = encodeRpcStatus({ code: Status.INVALID_ARGUMENT, message: 'bad', details });
    const other = encodeRpcStatus({ code: Status.NOT_FOUND, message: 'bad', details });
    expect(received(Status.INVALID_ARGUMENT, 'bad', { 'grpc-status-details-bin': [good] }).details).toEqual(details);
    expect(received(Status.INVALID_ARGUMENT, 'bad', { 'grpc-status-details-bin': [other] }).details).toEqual([]);
    const garbage = Buffer.from([0x1a, 0x7f]);
    expect(received(Status.INVALID_ARGUMENT, 'bad', { 'grpc-status-details-bin': [garbage] }).details).toEqual([]);
  });
});

describe('the downstream rule', () => {
  it('returns errors this process made as they are', () => {
    const own = new RampartError('ERR_PERMISSION_DENIED', 'no');
    expect(errorForCaller(own)).toBe(own);
  });

  it.each([
    Status.CANCELLED,
    Status.INVALID_ARGUMENT,
    Status.DEADLINE_EXCEEDED,
    Status.NOT_FOUND,
    Status.ALREADY_EXISTS,
    Status.RESOURCE_EXHAUSTED,
    Status.FAILED_PRECONDITION,
    Status.ABORTED,
    Status.OUT_OF_RANGE,
  ])('passes request outcome %i with its code and message, without the downstream trailers', (status) => {
    const downstream = received(status, 'the outcome', { 'x-internal-host': ['db-7'] });
    const forCaller = errorForCaller(downstream);
    expect([forCaller.status, forCaller.code, forCaller.message]).toEqual([status, downstream.code, 'the outcome']);
    expect(forCaller.metadata.size).toBe(0);
    expect(forCaller.downstream).toBe(false);
    expect(forCaller.cause).toBe(downstream);
  });

  it('keeps an application code from downstream', () => {
    const downstream = received(Status.FAILED_PRECONDITION, 'none left', { 'rampart-error-code': ['ERR_OUT_OF_STOCK'] });
    expect(errorForCaller(downstream).code).toBe('ERR_OUT_OF_STOCK');
  });

  it.each([Status.UNAUTHENTICATED, Status.PERMISSION_DENIED])(
    'turns a refusal of this service (%i) into INTERNAL: not the caller’s fault',
    (status) => {
      const forCaller = errorForCaller(received(status, 'token audience mismatch'));
      expect([forCaller.status, forCaller.code, forCaller.publicMessage]).toEqual([
        Status.INTERNAL,
        'ERR_INTERNAL',
        GENERIC_INTERNAL_MESSAGE,
      ]);
      expect(forCaller.reason).toContain('token audience mismatch');
    },
  );

  it.each([Status.UNAVAILABLE, Status.INTERNAL, Status.UNKNOWN, Status.UNIMPLEMENTED, Status.DATA_LOSS])(
    'turns the other failures (%i) into UNAVAILABLE with a generic message',
    (status) => {
      const forCaller = errorForCaller(received(status, 'connect ECONNREFUSED 10.0.0.7:8443'));
      expect([forCaller.status, forCaller.code, forCaller.message]).toEqual([
        Status.UNAVAILABLE,
        'ERR_UNAVAILABLE',
        DEPENDENCY_UNAVAILABLE_MESSAGE,
      ]);
      expect(forCaller.reason).toContain('ECONNREFUSED');
    },
  );
});
