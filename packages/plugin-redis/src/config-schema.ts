import { defineConfigSchema, type ConfigOf } from '@rampart/core';

/** convict format of `redis.url`: empty (not set) or a `redis://` / `rediss://` URL. */
function redisUrl(value: unknown): asserts value is string {
  if (value === '') return;
  if (typeof value !== 'string' || !URL.canParse(value)) throw new Error('must be a redis:// or rediss:// URL');
  const { protocol } = new URL(value);
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new Error('must be a redis:// or rediss:// URL');
}

const duration = (doc: string, value: number, env: string) => ({ doc, format: 'duration-ms', default: value, env }) as const;

/**
 * The Redis plugin's settings, under `redis.*`. The URL can carry a password, so it is sensitive: it comes only
 * from `RAMPART_REDIS_URL` or from the file named by `RAMPART_REDIS_URL_FILE`, never from a config file or code.
 *
 * @example
 * ```ts
 * // RAMPART_REDIS_URL_FILE=/run/secrets/redis-url  (file content: rediss://app:s3cret@redis.internal:6380/0)
 * const config = loadConfig({ schemas: [serverConfigSchema, redisConfigSchema] });
 * ```
 */
export const redisConfigSchema = defineConfigSchema({
  redis: {
    url: {
      doc: 'Redis URL, redis[s]://[user:password@]host:port[/db]. Required. Sensitive (it may carry a password): only from the environment or a file.',
      format: redisUrl,
      default: '',
      sensitive: true,
      env: 'RAMPART_REDIS_URL',
    },
    keyPrefix: {
      doc: 'Prefix of every key the plugin writes. Replicas (and services) that must share one-time tokens and revocations use the same prefix.',
      format: 'non-empty-string',
      default: 'rampart:',
      env: 'RAMPART_REDIS_KEY_PREFIX',
    },
    commandTimeoutMs: duration(
      'Longest wait for one Redis command; past it the call fails with UNAVAILABLE (fails closed).',
      300,
      'RAMPART_REDIS_COMMAND_TIMEOUT_MS',
    ),
    connectTimeoutMs: duration(
      'Longest wait for the first connection at start-up; start-up fails past it.',
      5_000,
      'RAMPART_REDIS_CONNECT_TIMEOUT_MS',
    ),
    reconnectMaxDelayMs: duration(
      'Longest pause between reconnection attempts (they back off from 50 ms to this).',
      1_000,
      'RAMPART_REDIS_RECONNECT_MAX_DELAY_MS',
    ),
    replayGraceMs: duration(
      "How long a one-time token's jti is kept in Redis past its exp plus auth.tokens.clockToleranceSec, for clock skew between replicas. At least the clock tolerance (in ms), or start-up stops.",
      60_000,
      'RAMPART_REDIS_REPLAY_GRACE_MS',
    ),
    revocation: {
      enabled: {
        doc: 'Check every call with a token against the revocation list (jti, sub, client id), and end open streams whose token is revoked (a second connection subscribes to revocations).',
        format: Boolean,
        default: true,
        env: 'RAMPART_REDIS_REVOCATION_ENABLED',
      },
    },
  },
});

/** The Redis plugin's config, `redis.*`. */
export type RedisConfig = ConfigOf<typeof redisConfigSchema>;
