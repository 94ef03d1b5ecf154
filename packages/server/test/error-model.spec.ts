import {
  defineErrorCode,
  ErrorMetadata,
  GrpcService,
  Public,
  RampartError,
  Status,
  type ErrorCode,
} from '@rampart/core';
import { DEPENDENCY_UNAVAILABLE_MESSAGE, GENERIC_INTERNAL_MESSAGE } from '@rampart/core/internal';
import { rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentials } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import { EchoServiceDescriptor, PingServiceDescriptor, type EchoServiceClient, type PingResponse } from './generated/index.js';
import { EchoService } from './fixtures/echo-service.js';
import { freePort, protoRoot, startEchoApp, type Started } from './fixtures/harness.js';

const ERR_OUT_OF_STOCK = defineErrorCode('ERR_OUT_OF_STOCK', Status.FAILED_PRECONDITION);
const DETAIL = { typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo', value: Uint8Array.of(10, 3, 102, 111, 111) };

/** What the ping handler does next: throw an error, or call the downstream app's echo with `fail`. */
let next: { throw: () => never } | { downstream: string } = { throw: () => { throw new Error('unset'); } };
let downstream: Started;
let echo: EchoServiceClient;
let ran = 0;

@GrpcService(PingServiceDescriptor)
@Public()
class ThrowingPing {
  async ping(): Promise<PingResponse> {
    ran += 1;
    const step = next;
    if ('throw' in step) return step.throw();
    // A handler that lets its downstream call's error escape, as the orders app does.
    await echo.echo({ text: 'x', fail: step.downstream });
    return { pong: 'unreachable' } as PingResponse;
  }
}

let s: Started;
beforeAll(async () => {
  downstream = await startEchoApp();
  echo = downstream.echo;
  s = await startEchoApp({ services: [EchoService, ThrowingPing] });
});
afterAll(async () => {
  await s.close();
  await downstream.close();
});
beforeEach(() => {
  ran = 0;
});

async function pingFails(): Promise<RampartError> {
  const error = await rampartErrorOf(s.ping.ping({}));
  expect(ran, 'the handler ran once').toBe(1);
  return error;
}

describe('what a Rampart client receives', () => {
  it('an application code, its metadata and its details, end to end', async () => {
    next = {
      throw: () => {
        throw new RampartError(ERR_OUT_OF_STOCK, 'none left', { metadata: { 'retry-after-ms': '250' }, details: [DETAIL] });
      },
    };
    const error = await pingFails();
    expect([error.status, error.code, error.message, error.downstream]).toEqual([
      Status.FAILED_PRECONDITION,
      'ERR_OUT_OF_STOCK',
      'none left',
      true,
    ]);
    expect(RampartError.is(error, ERR_OUT_OF_STOCK)).toBe(true);
    expect(error.metadata.get('retry-after-ms')).toEqual(['250']);
    expect(error.details).toEqual([DETAIL]);
  });

  it('a server fault: status and a generic message, no code, metadata or details', async () => {
    next = {
      throw: () => {
        throw new RampartError('ERR_CONFIG_INVALID', 'db.url is wrong', { metadata: { 'x-db': 'primary' }, details: [DETAIL] });
      },
    };
    const error = await pingFails();
    expect([error.status, error.code, error.message]).toEqual([Status.INTERNAL, 'ERR_INTERNAL', GENERIC_INTERNAL_MESSAGE]);
    expect(error.metadata.get('rampart-error-code')).toEqual([]);
    expect(error.metadata.get('x-db')).toEqual([]);
    expect(error.metadata.get('grpc-status-details-bin')).toEqual([]);
    expect(error.details).toEqual([]);
  });

  it('a built-in authentication code arrives as the status code: which check failed stays in the log', async () => {
    next = { throw: () => { throw new RampartError('ERR_TOKEN_REPLAYED', 'invalid token'); } };
    const error = await pingFails();
    expect([error.status, error.code, error.message]).toEqual([Status.UNAUTHENTICATED, 'ERR_UNAUTHENTICATED', 'invalid token']);
  });
});

describe('errors the server did not make itself (security review)', () => {
  it('one shaped like a RampartError from another copy (no metadata, no isServerFault) ends the call; the server serves on', async () => {
    next = {
      throw: () => {
        throw Object.assign(new Error('none left'), { name: 'RampartError', code: 'ERR_NOT_FOUND', status: Status.NOT_FOUND });
      },
    };
    const error = await pingFails();
    expect([error.status, error.code, error.message]).toEqual([Status.NOT_FOUND, 'ERR_NOT_FOUND', 'none left']);
    next = { throw: () => { throw new RampartError('ERR_ABORTED', 'again'); } };
    ran = 0;
    expect((await pingFails()).status).toBe(Status.ABORTED);
  });

  it('metadata taken from a received error forwards no reserved trailer: no forged status, code or details', async () => {
    const received = ErrorMetadata.received([
      ['grpc-status', ['0']],
      ['rampart-error-code', ['ERR_POLICY_DENIED']],
      ['grpc-status-details-bin', [Buffer.from([8, 0])]],
      ['x-trace-hint', ['kept']],
    ]);
    next = { throw: () => { throw new RampartError('ERR_PERMISSION_DENIED', 'denied', { metadata: received }); } };
    const error = await pingFails();
    expect([error.status, error.code, error.message]).toEqual([Status.PERMISSION_DENIED, 'ERR_PERMISSION_DENIED', 'denied']);
    expect(error.metadata.get('rampart-error-code')).toEqual([]);
    expect(error.metadata.get('grpc-status-details-bin')).toEqual([]);
    expect(error.metadata.get('x-trace-hint')).toEqual(['kept']);
  });
});

describe('the downstream rule, over two real servers', () => {
  it.each<[ErrorCode, number, string, string]>([
    ['ERR_NOT_FOUND', Status.NOT_FOUND, 'ERR_NOT_FOUND', 'failed with ERR_NOT_FOUND'],
    ['ERR_FAILED_PRECONDITION', Status.FAILED_PRECONDITION, 'ERR_FAILED_PRECONDITION', 'failed with ERR_FAILED_PRECONDITION'],
    ['ERR_RESOURCE_EXHAUSTED', Status.RESOURCE_EXHAUSTED, 'ERR_RESOURCE_EXHAUSTED', 'failed with ERR_RESOURCE_EXHAUSTED'],
    ['ERR_TOKEN_EXPIRED', Status.INTERNAL, 'ERR_INTERNAL', GENERIC_INTERNAL_MESSAGE],
    ['ERR_PEER_NOT_ALLOWED', Status.INTERNAL, 'ERR_INTERNAL', GENERIC_INTERNAL_MESSAGE],
    ['ERR_UNAVAILABLE', Status.UNAVAILABLE, 'ERR_UNAVAILABLE', DEPENDENCY_UNAVAILABLE_MESSAGE],
    ['ERR_INTERNAL', Status.UNAVAILABLE, 'ERR_UNAVAILABLE', DEPENDENCY_UNAVAILABLE_MESSAGE],
    ['ERR_UNIMPLEMENTED', Status.UNAVAILABLE, 'ERR_UNAVAILABLE', DEPENDENCY_UNAVAILABLE_MESSAGE],
  ])('downstream %s reaches the caller as %i %s', async (failWith, status, code, message) => {
    next = { downstream: failWith };
    const error = await pingFails();
    expect([error.status, error.code, error.message]).toEqual([status, code, message]);
  });

  it('a downstream that is down: UNAVAILABLE with the generic message, its address not sent', async () => {
    const port = await freePort();
    const saved = echo;
    echo = createClient(EchoServiceDescriptor, { address: `127.0.0.1:${port}`, protoRoot, credentials: credentials.createInsecure() });
    try {
      next = { downstream: '' };
      const error = await pingFails();
      expect([error.status, error.message]).toEqual([Status.UNAVAILABLE, DEPENDENCY_UNAVAILABLE_MESSAGE]);
      expect(JSON.stringify([error.message, [...error.metadata.entries()]])).not.toContain(String(port));
    } finally {
      closeClient(echo);
      echo = saved;
    }
  });
});
