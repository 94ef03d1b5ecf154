export { rampartRedis, RAMPART_REDIS } from './plugin.js';
export { rampartRedisWhenConfigured } from './when-configured.js';
export { redisConfigSchema, type RedisConfig } from './config-schema.js';
export { redisSettingsFromConfig, type RedisSettings } from './redis-settings.js';
export { RedisConnection, type RedisClient, type RedisConnectionSettings } from './redis-connection.js';
export { RedisRevocationList, type Revocation, type RevocationKind, type TokenIdentifiers } from './revocation-list.js';
export { REDIS_TOKENS } from './tokens.js';
