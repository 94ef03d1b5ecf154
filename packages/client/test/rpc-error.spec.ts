import { credentials, Metadata } from '@grpc/grpc-js';
import { Status } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { createClient, RpcError } from '../src/index.js';

describe('RpcError', () => {
  it('keeps the status code and details of a grpc-js ServiceError', () => {
    const metadata = new Metadata();
    const serviceError = Object.assign(new Error('16 UNAUTHENTICATED: invalid token'), {
      code: 16,
      details: 'invalid token',
      metadata,
    });
    const err = RpcError.from(serviceError);
    expect(err.code).toBe(Status.UNAUTHENTICATED);
    expect(err.details).toBe('invalid token');
    expect(err.message).toBe('UNAUTHENTICATED: invalid token');
    expect(err.metadata).toBe(metadata);
    expect(err.cause).toBe(serviceError);
    expect(RpcError.from(err)).toBe(err);
  });

  it('turns anything else into UNKNOWN', () => {
    expect(RpcError.from(new TypeError('boom')).code).toBe(Status.UNKNOWN);
    expect(RpcError.from('boom').details).toBe('boom');
  });
});

describe('createClient', () => {
  it('refuses a descriptor whose service is not in its proto file', () => {
    let thrown: unknown;
    try {
      createClient(
        { typeName: 'acme.v1.Missing', protoFile: 'google/protobuf/empty.proto', methods: {} },
        { address: '127.0.0.1:1', protoRoot: '.', credentials: credentials.createInsecure() },
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'ERR_SERVICE_DEFINITION', message: 'acme.v1.Missing is not declared in google/protobuf/empty.proto' });
  });
});
