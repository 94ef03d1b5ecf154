import { rampartAuth } from '@rampart/auth';
import { RampartError, Status, type Logger, type RampartPlugin } from '@rampart/core';
import type { ServiceClass } from '@rampart/server';
import { startTestApp, type TestApp, type TestIssuer } from '@rampart/testing';
import { createLogger } from '@rampart/telemetry';
import { fileURLToPath } from 'node:url';
import { rampartRateLimit } from '../../src/index.js';
import { QuotaServiceDescriptor, type QuotaServiceClient } from '../generated/index.js';
import { QuotaService } from './quota-service.js';

export const protoRoot = fileURLToPath(new URL('../protos', import.meta.url));

/** An app of the test service with the auth and rate-limit plugins, and a client presenting the `/orders` certificate. */
export interface QuotaApp {
  readonly t: TestApp;
  readonly quota: QuotaServiceClient;
}

/** Starts the test service (by default `QuotaService`) with tokens from `issuer` for audience `quota`. */
export async function startQuotaApp(
  issuer: TestIssuer,
  options: {
    services?: readonly ServiceClass[];
    plugins?: readonly RampartPlugin[];
    values?: Record<string, unknown>;
    env?: Record<string, string>;
    logger?: Logger;
  } = {},
): Promise<QuotaApp> {
  const t = await startTestApp({
    name: 'quota',
    services: options.services ?? [QuotaService],
    protos: { root: protoRoot },
    plugins: options.plugins ?? [rampartAuth(), rampartRateLimit()],
    values: { auth: { tokens: { issuer: issuer.url, audience: 'quota' } }, ...options.values },
    ...(options.env ? { env: options.env } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { t, quota: await t.client(QuotaServiceDescriptor, { as: '/orders' }) };
}

/** A real (redacting) Rampart logger at debug whose JSON lines are kept for assertions. */
export function recordingLogger(name: string): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name, level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

/** How a call ended: undefined when it succeeded, else the RampartError it failed with (anything else is thrown on). */
export async function outcomeOf(call: Promise<unknown>): Promise<RampartError | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    if (!(error instanceof RampartError)) throw error;
    return error;
  }
}

/** The status a call ended with. */
export async function statusOf(call: Promise<unknown>): Promise<Status> {
  return (await outcomeOf(call))?.status ?? Status.OK;
}
