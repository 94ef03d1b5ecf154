import { GrpcService, Public, RampartError, Status, type ErrorCode } from '@rampart/core';
import { GENERIC_INTERNAL_MESSAGE, STATUS_BY_CODE } from '@rampart/core/internal';
import { rampartErrorOf } from '@rampart/test-support';
import { EchoService } from './fixtures/echo-service.js';
import { Writable } from 'node:stream';
import { createLogger } from '@rampart/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PingServiceDescriptor } from './generated/index.js';
import { startEchoApp, type Started } from './fixtures/harness.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    lines.push(chunk.toString());
    cb();
  },
});
let s: Started;
beforeAll(async () => {
  s = await startEchoApp({ logger: createLogger({ name: 'errors-test', level: 'debug', destination: sink }) });
});
afterAll(() => s.close());

describe('error to status mapping', () => {
  const clientFacing: ErrorCode[] = [
    'ERR_INVALID_ARGUMENT',
    'ERR_NOT_FOUND',
    'ERR_ALREADY_EXISTS',
    'ERR_FAILED_PRECONDITION',
    'ERR_RESOURCE_EXHAUSTED',
    'ERR_UNAUTHENTICATED',
    'ERR_TOKEN_EXPIRED',
    'ERR_PERMISSION_DENIED',
    'ERR_INSUFFICIENT_SCOPE',
    'ERR_UNAVAILABLE',
    'ERR_UNIMPLEMENTED',
  ];
  it.each(clientFacing)('%s reaches the client as its mapped status with its message', async (code) => {
    const err = await rampartErrorOf(s.echo.echo({ text: 't', fail: code }));
    expect(err).toBeInstanceOf(RampartError);
    expect(err.status).toBe(STATUS_BY_CODE[code]);
    expect(err.message).toBe(`failed with ${code}`);
  });

  it('an unknown error becomes INTERNAL with a generic message; its text is logged, never sent', async () => {
    lines.length = 0;
    const err = await rampartErrorOf(s.echo.echo({ text: 't', fail: 'plain' }));
    expect(err.status).toBe(Status.INTERNAL);
    expect(err.message).toBe(GENERIC_INTERNAL_MESSAGE);
    expect(err.message).not.toContain('hunter2');
    const logged = lines.join('');
    expect(logged).toContain('handler failed');
    expect(logged).toContain('database password is');
  });

  it('a RampartError whose code maps to INTERNAL sends the generic message, not its own', async () => {
    const err = await rampartErrorOf(s.echo.echo({ text: 't', fail: 'ERR_INTERNAL' }));
    expect(err.status).toBe(Status.INTERNAL);
    expect(err.message).toBe(GENERIC_INTERNAL_MESSAGE);
  });

  it('the audit-only reason never reaches the client', async () => {
    const err = await rampartErrorOf(s.echo.echo({ text: 't', fail: 'ERR_TOKEN_INVALID' }));
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(err.message).not.toContain('test-requested');
  });
});

describe('handlers that throw synchronously', () => {
  it('a non-async handler that throws still ends its call with the mapped status', async () => {
    @GrpcService(PingServiceDescriptor)
    @Public()
    class SyncPing {
      ping(): Promise<object> {
        throw new RampartError('ERR_FAILED_PRECONDITION', 'not ready');
      }
    }
    const started = await startEchoApp({ services: [EchoService, SyncPing] });
    try {
      const err = await rampartErrorOf(started.ping.ping({}));
      expect(err.status).toBe(Status.FAILED_PRECONDITION);
      expect(err.message).toBe('not ready');
    } finally {
      await started.close();
    }
  });
});
