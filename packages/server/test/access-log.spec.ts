// Issue 21 item 6: the access log. One line per call when `log.access` is on (rpc, status, duration, request id,
// principal, peer, error code), sampled for successful calls, always for failed ones; nothing when it is off; a bad
// sample rate stops start-up naming the key.
import { Status } from '@rampart/core';
import { createLogger } from '@rampart/telemetry';
import { collect, rampartErrorOf } from '@rampart/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { startEchoApp, type Started } from './fixtures/harness.js';

const lines: Record<string, unknown>[] = [];
const logger = createLogger({ name: 'access', level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
const accessLines = () => lines.filter((l) => l['log'] === 'access');
let s: Started | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  lines.length = 0;
});

describe('the access log', () => {
  it('is off by default: no line per call', async () => {
    s = await startEchoApp({ logger });
    await s.echo.echo({ text: 'a' });
    expect(accessLines()).toEqual([]);
  });

  it('writes one line per call at the configured level, for every call kind, with the request id given', async () => {
    s = await startEchoApp({ logger, values: { log: { level: 'debug', access: 'info' } } });
    await s.echo.echo({ text: 'a' }, { metadata: { 'x-request-id': 'req-42' } });
    await collect(s.echo.count({ from: 0, to: 2, failAfter: -1 }));
    await s.echo.collect([{ text: 'a' }]);
    await collect(s.echo.chat([{ text: 'a' }]));
    const access = accessLines();
    expect(access.map((l) => l['rpc'])).toEqual([
      '/rampart.test.v1.EchoService/Echo',
      '/rampart.test.v1.EchoService/Count',
      '/rampart.test.v1.EchoService/Collect',
      '/rampart.test.v1.EchoService/Chat',
    ]);
    expect(access[0]).toMatchObject({ level: 30, msg: 'rpc', status: 'OK', requestId: 'req-42' });
    expect(typeof access[0]?.['durationMs']).toBe('number');
  });

  it('writes a failed call with its status and code, even when successful calls are not sampled', async () => {
    s = await startEchoApp({ logger, values: { log: { level: 'debug', access: 'info', accessSampleRate: 0 } } });
    await s.echo.echo({ text: 'a' });
    const error = await rampartErrorOf(s.echo.echo({ text: 'a', fail: 'ERR_NOT_FOUND' }));
    expect(error.status).toBe(Status.NOT_FOUND);
    expect(accessLines()).toEqual([expect.objectContaining({ status: 'NOT_FOUND', code: 'ERR_NOT_FOUND' })]);
  });

  it('a sample rate outside 0..1 stops start-up, naming the key and the fix', async () => {
    const error = await rampartErrorOf(startEchoApp({ logger, values: { log: { access: 'info', accessSampleRate: 2 } } }));
    expect(error.message).toContain('log.accessSampleRate must be a number from 0 to 1, got 2');
    expect(error.message).toContain('RAMPART_LOG_ACCESS_SAMPLE_RATE');
  });
});
