import type { ReplayStore } from '@rampart/auth';
import type { RedisConnection } from './redis-connection.js';

/**
 * Settings of {@link RedisReplayStore}.
 *
 * @example
 * ```ts
 * const options: RedisReplayStoreOptions = { keyPrefix: 'rampart:', graceMs: 60_000 };
 * ```
 */
export interface RedisReplayStoreOptions {
  /** Prefix of the store's keys (`<prefix>jti:<issuer>|<jti>`). */
  readonly keyPrefix: string;
  /** How long a key outlives the moment it was claimed until (the token's `exp` plus clock tolerance), in ms: skew between replicas. */
  readonly graceMs: number;
}

/**
 * A {@link ReplayStore} on Redis, shared by every replica that uses the same Redis and key prefix: a one-time
 * token's `jti` is claimed with `SET key 1 NX PX ttl`, so exactly one replica wins, once. When Redis cannot answer
 * (down, slow, unreachable) the claim throws `ERR_UNAVAILABLE` and the call is refused: the token is not used up by
 * a failure that happened before Redis saw it, and a claim that timed out after Redis stored it can only make a
 * retry fail — never let a replay through.
 *
 * @example
 * ```ts
 * const store = new RedisReplayStore(connection, { keyPrefix: 'rampart:', graceMs: 60_000 });
 * await store.claim('https://issuer|jti-1', exp); // true on the first replica to ask, false everywhere after
 * ```
 */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly options: RedisReplayStoreOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: string, expiresAt: Date): Promise<boolean> {
    const ttl = Math.max(expiresAt.getTime() - this.now(), 0) + Math.max(this.options.graceMs, 1);
    const reply = await this.connection.run('one-time token check', (client) =>
      client.set(`${this.options.keyPrefix}jti:${key}`, '1', { condition: 'NX', expiration: { type: 'PX', value: ttl } }),
    );
    return reply === 'OK';
  }
}
