import { createLogger } from '@rampart/telemetry';
import { describe, expect, it } from 'vitest';
import { startEchoApp } from './fixtures/harness.js';

// Issue 23, item 5: the app prints where its start-up went, once, at debug level, when it reports SERVING.

function capturingLogger(level: string): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'phases-test', level, destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('start-up phases', () => {
  it('logs one line at debug with every phase in order, each a duration, summing to the total since the process started', async () => {
    const { logger, lines } = capturingLogger('debug');
    const s = await startEchoApp({ logger });
    try {
      const phaseLines = lines.filter((l) => l.msg === 'echo-test start-up phases');
      expect(phaseLines).toHaveLength(1);
      const line = phaseLines[0] as { level: number; phasesMs: Record<string, number>; totalMs: number };
      expect(line.level).toBe(20); // pino's debug
      expect(Object.keys(line.phasesMs)).toEqual(['moduleLoad', 'protos', 'config', 'plugins', 'services', 'onInit', 'listen']);
      for (const ms of Object.values(line.phasesMs)) expect(ms).toBeGreaterThanOrEqual(0);
      const sum = Object.values(line.phasesMs).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - line.totalMs)).toBeLessThan(1); // each rounded to 0.1 ms
      // Logged when SERVING is reported, before the "listening" line.
      const listening = lines.findIndex((l) => l.msg === 'echo-test listening');
      expect(lines.indexOf(line)).toBeLessThan(listening);
    } finally {
      await s.close();
    }
  });

  it('says nothing at the default level (info)', async () => {
    const { logger, lines } = capturingLogger('info');
    const s = await startEchoApp({ logger });
    try {
      expect(lines.some((l) => 'phasesMs' in l)).toBe(false);
      expect(lines.some((l) => l.msg === 'echo-test listening')).toBe(true);
    } finally {
      await s.close();
    }
  });
});
