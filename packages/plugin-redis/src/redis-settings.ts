import { RampartError, type ConfigReader } from '@rampart/core';
import type { RedisConfig } from './config-schema.js';

/**
 * The Redis plugin's settings, read from `redis.*`.
 *
 * @example
 * ```ts
 * const settings = redisSettingsFromConfig(ctx.config);
 * const connection = new RedisConnection(settings, logger);
 * ```
 */
export interface RedisSettings {
  /** The Redis URL; may carry credentials: never log it (see `redisAddress`). */
  readonly url: string;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly replayGraceMs: number;
  readonly revocation: boolean;
}

/**
 * Reads {@link RedisSettings} from the app's config; an unset URL stops start-up with the variables to set.
 *
 * @example
 * ```ts
 * const settings = redisSettingsFromConfig(ctx.config); // throws ERR_CONFIG_INVALID without RAMPART_REDIS_URL
 * ```
 */
export function redisSettingsFromConfig(config: ConfigReader<RedisConfig>): RedisSettings {
  const url = config.get('redis.url');
  if (url === '') {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      'redis.url is not set: set RAMPART_REDIS_URL, or RAMPART_REDIS_URL_FILE to a file holding the URL',
    );
  }
  return {
    url,
    keyPrefix: config.get('redis.keyPrefix'),
    commandTimeoutMs: config.get('redis.commandTimeoutMs'),
    connectTimeoutMs: config.get('redis.connectTimeoutMs'),
    reconnectMaxDelayMs: config.get('redis.reconnectMaxDelayMs'),
    replayGraceMs: config.get('redis.replayGraceMs'),
    revocation: config.get('redis.revocation.enabled'),
  };
}

/**
 * Checks that a one-time token's `jti` outlives every replica's acceptance of the token: the one-time stage asks
 * the store to keep it until `exp` plus the clock tolerance, by the clock of the replica that claimed it, and
 * `redis.replayGraceMs` is added on top for replicas whose clocks differ. A grace below the tolerance (the skew the
 * deployment says it allows) stops start-up, naming both keys and the fix (ADR 0016).
 *
 * @example
 * ```ts
 * checkReplayGrace(60_000, 30); // fine
 * checkReplayGrace(10_000, 30); // throws ERR_CONFIG_INVALID naming redis.replayGraceMs and auth.tokens.clockToleranceSec
 * ```
 */
export function checkReplayGrace(replayGraceMs: number, clockToleranceSec: number): void {
  const minimum = clockToleranceSec * 1000;
  if (replayGraceMs >= minimum) return;
  throw new RampartError(
    'ERR_CONFIG_INVALID',
    `redis.replayGraceMs (${replayGraceMs} ms) is below auth.tokens.clockToleranceSec (${clockToleranceSec} s): ` +
      'a replica whose clock runs behind would accept a one-time token again after its jti left Redis. ' +
      `Fix: set redis.replayGraceMs (RAMPART_REDIS_REPLAY_GRACE_MS) to at least ${minimum}, ` +
      'or lower auth.tokens.clockToleranceSec (RAMPART_AUTH_CLOCK_TOLERANCE_SEC)',
  );
}

/**
 * The URL without credentials, for logs and error messages.
 *
 * @example
 * ```ts
 * redisAddress('redis://app:s3cret@10.0.0.5:6379/2'); // 'redis://10.0.0.5:6379/2'
 * ```
 */
export function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
