import { rampartAuth } from '@rampart/auth';
import type { Logger, RampartPlugin } from '@rampart/core';
import { startTestApp, type TestApp, type TestIssuer } from '@rampart/testing';
import { fileURLToPath } from 'node:url';
import { rampartRedis } from '../../src/index.js';
import { LedgerServiceDescriptor, type LedgerServiceClient } from '../generated/index.js';
import { LedgerService } from './ledger-service.js';

export const protoRoot = fileURLToPath(new URL('../protos', import.meta.url));

/** One replica of the ledger service and a client to it (presenting the `/orders` certificate). */
export interface Replica {
  readonly t: TestApp;
  readonly ledger: LedgerServiceClient;
}

/** Starts a replica of the ledger service with the auth and Redis plugins, on its own port. */
export async function startReplica(
  issuer: TestIssuer,
  redisUrl: string | undefined,
  options: {
    logger?: Logger;
    plugins?: readonly RampartPlugin[];
    env?: Record<string, string>;
    values?: Record<string, unknown>;
  } = {},
): Promise<Replica> {
  const t = await startTestApp({
    name: 'ledger',
    services: [LedgerService],
    protos: { root: protoRoot },
    plugins: options.plugins ?? [rampartAuth(), rampartRedis()],
    values: { auth: { tokens: { issuer: issuer.url, audience: 'ledger' } }, ...options.values },
    env: { ...(redisUrl === undefined ? {} : { RAMPART_REDIS_URL: redisUrl }), ...options.env },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { t, ledger: await t.client(LedgerServiceDescriptor, { as: '/orders' }) };
}
