import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEchoApp, type Started } from './fixtures/harness.js';

/** Captures what the app writes to stdout (its default log destination) while `run` starts and stops it. */
async function stdoutOf(values: Record<string, unknown>): Promise<string> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  let started: Started | undefined;
  try {
    started = await startEchoApp({ values });
  } finally {
    await started?.close();
    vi.restoreAllMocks();
  }
  return written.join('');
}

describe('log.format', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('pretty: the app writes readable lines, not JSON', async () => {
    const text = await stdoutOf({ log: { level: 'info', format: 'pretty' } });
    expect(text).toContain('INFO');
    expect(text).toContain('echo-test');
    expect(text.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
  });

  it('auto: JSON lines when stdout is not a terminal (vitest pipes it)', async () => {
    const text = await stdoutOf({ log: { level: 'info', format: 'auto' } });
    const first = JSON.parse(text.split('\n')[0] ?? '') as Record<string, unknown>;
    expect(first).toMatchObject({ name: 'echo-test', level: expect.any(Number) as number });
  });

  it('an unknown format stops start-up naming the key', async () => {
    await expect(startEchoApp({ values: { log: { level: 'info', format: 'yaml' } } })).rejects.toThrow(/log\.format/);
  });
});
