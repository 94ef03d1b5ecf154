import type { Logger } from '@rampart/core';
import { createLogger } from '@rampart/telemetry';

/** A real (redacting) Rampart logger whose JSON lines are kept for assertions. */
export function recordingLogger(name: string): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger({
    name,
    level: 'debug',
    destination: {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  return { logger, lines, text: () => raw.join('') };
}
