import type { RampartPlugin } from '@rampart/core';
import { rampartRedis } from './plugin.js';

/**
 * `[rampartRedis()]` when the environment names a Redis (`RAMPART_REDIS_URL` or `RAMPART_REDIS_URL_FILE`), else
 * `[]`: for an app's `main.ts` that shares one-time tokens and revocations among its replicas where a Redis is
 * deployed (Kubernetes) and runs alone without one (the demo, a laptop).
 *
 * @example
 * ```ts
 * await createApp({ ...options, plugins: [rampartAuth(), ...rampartRedisWhenConfigured()] });
 * ```
 */
export function rampartRedisWhenConfigured(env: Readonly<Record<string, string | undefined>> = process.env): RampartPlugin[] {
  return env['RAMPART_REDIS_URL'] || env['RAMPART_REDIS_URL_FILE'] ? [rampartRedis()] : [];
}
