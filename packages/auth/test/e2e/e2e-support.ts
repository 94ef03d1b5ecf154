import { RampartError } from '@rampart/core';
import type { ClientCallOptions, Logger } from '@rampart/core';
import { createLogger } from '@rampart/telemetry';
import { expect } from 'vitest';
import type { VaultServiceClient } from '../generated/index.js';

/** The four call kinds, by the vault method that has each. */
export const KINDS = ['read', 'watch', 'store', 'exchange'] as const;
export type Kind = (typeof KINDS)[number];

/** The outcome of one call: the values it returned, or the error it failed with. */
export type Outcome = { readonly ok: true; readonly values: string[] } | { readonly ok: false; readonly error: RampartError };

/**
 * Makes one call of `kind` on the vault and reads it to the end. Streams send two messages; results are flattened
 * to strings (a response's `value`, or the `stored` count).
 */
export async function call(client: VaultServiceClient, kind: Kind, options: ClientCallOptions): Promise<Outcome> {
  const secrets = [
    { name: 'a', value: 'x' },
    { name: 'b', value: 'y' },
  ];
  try {
    const values: string[] = [];
    switch (kind) {
      case 'read':
        values.push((await client.read({ name: 'db' }, options)).value);
        break;
      case 'watch':
        for await (const s of client.watch({ name: 'db' }, options)) values.push(s.value);
        break;
      case 'store':
        values.push(String((await client.store(secrets, options)).stored));
        break;
      case 'exchange':
        for await (const s of client.exchange(secrets, options)) values.push(s.value);
        break;
    }
    return { ok: true, values };
  } catch (error) {
    expect(error).toBeInstanceOf(RampartError);
    return { ok: false, error: error as RampartError };
  }
}

/** The error of a call that must fail. */
export function failed(outcome: Outcome): RampartError {
  if (outcome.ok) throw new Error(`expected the call to fail, it returned ${JSON.stringify(outcome.values)}`);
  return outcome.error;
}

/** One audit decision as the default auditor logs it. */
export interface AuditLine {
  readonly level: number;
  readonly msg: string;
  readonly audit: {
    readonly method: string;
    readonly decision: 'allow' | 'deny';
    readonly reason: string;
    readonly detail?: string;
    readonly status: number;
    readonly subject?: string;
    readonly clientId?: string;
    readonly actors: string[];
    readonly peer?: string;
    readonly durationMs: number;
  };
}

/** pino's numeric levels. */
export const LEVEL = { debug: 20, info: 30, warn: 40 } as const;

/** A real Rampart logger (with its redaction) at debug, writing every line into memory. */
export function captureLogs(name: string): {
  logger: Logger;
  lines: string[];
  audits: () => AuditLine[];
  clear: () => void;
} {
  const lines: string[] = [];
  const logger = createLogger({ name, level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return {
    logger,
    lines,
    audits: () =>
      lines
        .map((line) => JSON.parse(line) as Partial<AuditLine>)
        .filter((entry): entry is AuditLine => typeof entry.audit === 'object' && entry.audit !== null),
    clear: () => void lines.splice(0),
  };
}

/** Asserts that no captured line contains the token or any of its parts that could identify it. */
export function expectNoTokenIn(lines: readonly string[], token: string): void {
  const parts = [token, ...token.split('.').filter((part) => part.length > 16)];
  for (const line of lines) for (const part of parts) expect(line, 'a log line contains the token').not.toContain(part);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
