export { rampartRedis, RAMPART_REDIS } from './plugin.js';
export { rampartRedisWhenConfigured } from './when-configured.js';
export { redisConfigSchema, type RedisConfig } from './config-schema.js';
export { redisSettingsFromConfig, redisAddress, type RedisSettings } from './redis-settings.js';
export {
  RedisConnection,
  REDIS_UNAVAILABLE_MESSAGE,
  type RedisClient,
  type RedisConnectionSettings,
} from './redis-connection.js';
export { RedisReplayStore, type RedisReplayStoreOptions } from './redis-replay-store.js';
export { RedisRevocationList, type Revocation, type RevocationKind, type TokenIdentifiers } from './revocation-list.js';
export { RevocationStage, REVOCATION_STAGE_ORDER } from './revocation-stage.js';
export { OpenStreams, type WatchedStream, type EndRevokedStream } from './open-streams.js';
export { RevocationFeed } from './revocation-feed.js';
export { revocationChannel, encodeRevocation, decodeRevocation, type AnnouncedRevocation } from './revocation-channel.js';
export { REDIS_TOKENS } from './tokens.js';
