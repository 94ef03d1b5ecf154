import { RampartError, type ConfigReader } from '@rampart/core';

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
  /** The Redis URL; may carry credentials: never log it (see {@link redisAddress}). */
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
export function redisSettingsFromConfig(config: ConfigReader): RedisSettings {
  const url = config.get<string>('redis.url');
  if (url === '') {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      'redis.url is not set: set RAMPART_REDIS_URL, or RAMPART_REDIS_URL_FILE to a file holding the URL',
    );
  }
  return {
    url,
    keyPrefix: config.get<string>('redis.keyPrefix'),
    commandTimeoutMs: config.get<number>('redis.commandTimeoutMs'),
    connectTimeoutMs: config.get<number>('redis.connectTimeoutMs'),
    reconnectMaxDelayMs: config.get<number>('redis.reconnectMaxDelayMs'),
    replayGraceMs: config.get<number>('redis.replayGraceMs'),
    revocation: config.get<boolean>('redis.revocation.enabled'),
  };
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
