import { createHash } from 'node:crypto';
import type { BucketLimit, BucketStore } from './bucket-store.js';
import type { RedisLink } from './redis-link.js';

/**
 * Takes one token from a bucket kept as a hash `{ t: tokens, at: microseconds }`, atomically (a script runs alone),
 * on Redis's clock (`TIME`), so replicas whose clocks differ still refill one budget at one rate. Writes only when a
 * token is taken, with an expiry at the moment the bucket would be full again (an expired bucket and a full one are
 * the same), so idle keys leave by themselves. Returns 0, or the microseconds until the next token.
 * KEYS[1]: the bucket; ARGV[1]: capacity; ARGV[2]: tokens per microsecond.
 */
export const TAKE_TOKEN_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
elseif now > at then
  tokens = tokens + (now - at) * rate
  at = now
end
if tokens > capacity then tokens = capacity end
if tokens >= 1 then
  tokens = tokens - 1
  redis.call('HSET', KEYS[1], 't', tokens, 'at', at)
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate / 1000) + 1)
  return 0
end
return math.ceil((1 - tokens) / rate)
`;

const SCRIPT_SHA = createHash('sha1').update(TAKE_TOKEN_SCRIPT).digest('hex');

/**
 * Token buckets in Redis, shared by every replica that uses the same Redis and key prefix: one `EVALSHA` per call (one
 * round trip; `EVAL` once after Redis lost its script cache), keys `<prefix><bucket>:<key>` that expire when full.
 * `take` rejects with `ERR_UNAVAILABLE` when Redis does not answer in time (see `RedisLink`).
 *
 * @example
 * ```ts
 * const buckets = new RedisBuckets(link, 'rampart:ratelimit:');
 * const wait = await buckets.take(buckets.idOf('/acme.Orders/PlaceOrder', 'alice'), { capacity: 20, refillPerSecond: 5 });
 * ```
 */
export class RedisBuckets implements BucketStore {
  constructor(
    private readonly link: RedisLink,
    private readonly keyPrefix: string,
  ) {}

  idOf(bucket: string, key: string): string {
    return `${this.keyPrefix}${bucket}:${key}`;
  }

  async take(id: string, limit: BucketLimit): Promise<number> {
    const options = { keys: [id], arguments: [String(limit.capacity), String(limit.refillPerSecond / 1e6)] };
    const reply = await this.link.run('rate limit', async (client) => {
      try {
        return await client.evalSha(SCRIPT_SHA, options);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(TAKE_TOKEN_SCRIPT, options);
      }
    });
    const micros = Number(reply);
    if (!Number.isFinite(micros) || micros < 0) throw new Error(`unexpected reply from the rate limit script: ${JSON.stringify(reply).slice(0, 40)}`);
    return micros === 0 ? 0 : Math.max(1, Math.ceil(micros / 1000));
  }
}
