/**
 * DI tokens of the Redis plugin, bound by `rampartRedis()` in the app's container.
 *
 * @example
 * ```ts
 * const revocations = app.container.get<RedisRevocationList>(REDIS_TOKENS.RevocationList);
 * await revocations.revoke({ sub: 'mallory', until: new Date(Date.now() + 3_600_000) });
 * ```
 */
export const REDIS_TOKENS = {
  /** The plugin's `RedisConnection`. */
  Connection: Symbol.for('rampart.redis.Connection'),
  /** The `RedisRevocationList` (the admin API: revoke, unrevoke, check). */
  RevocationList: Symbol.for('rampart.redis.RevocationList'),
  /** The `OpenStreams` of this process the revocation feed ends when their token is revoked. */
  OpenStreams: Symbol.for('rampart.redis.OpenStreams'),
} as const;
