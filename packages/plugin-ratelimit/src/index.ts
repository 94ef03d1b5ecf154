// @rampart/plugin-ratelimit: token-bucket rate limits for Rampart apps, in memory or on Redis.
export { rampartRateLimit, RAMPART_RATELIMIT } from './plugin.js';
export { RateLimit } from './rate-limit-decorator.js';
export type { RateLimitOptions, RateLimitKey } from './limit.js';
export { rateLimitConfigSchema, type RateLimitConfig, type ConfiguredLimit } from './config-schema.js';
export { RATE_LIMITED_MESSAGE } from './rate-limiter.js';
