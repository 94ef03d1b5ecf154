import { RAMPART_AUTH, type TokenVerifier } from '@rampart/auth';
import { AUTH_STAGE, AUTH_TOKENS } from '@rampart/auth/stages';
import { definePlugin, type RampartPlugin } from '@rampart/core';
import { redisConfigSchema } from './config-schema.js';
import { RedisConnection } from './redis-connection.js';
import { RedisReplayStore } from './redis-replay-store.js';
import { checkReplayGrace, redisSettingsFromConfig } from './redis-settings.js';
import { RedisRevocationList } from './revocation-list.js';
import { RevocationStage } from './revocation-stage.js';
import { OpenStreams } from './open-streams.js';
import { RevocationFeed } from './revocation-feed.js';
import { REDIS_TOKENS } from './tokens.js';

/**
 * The plugin's name, for other plugins' `dependencies`.
 *
 * @example
 * ```ts
 * definePlugin({ name: 'revocation-admin-api', dependencies: [RAMPART_REDIS], register() {} });
 * ```
 */
export const RAMPART_REDIS = 'rampart-redis';

/**
 * The Redis plugin, for services with more than one replica: one-time tokens are claimed in Redis (so a token used
 * at one replica is refused at every other), and every call with a token is checked against a shared revocation
 * list (`revoke({ jti | sub | clientId, until })`), which also ends the open streams of a revoked token on every
 * replica within moments (pub/sub). Both fail closed: when Redis cannot answer within `redis.commandTimeoutMs`, the
 * calls that need it get UNAVAILABLE; the client reconnects by itself.
 *
 * It uses only the plugin contract: it depends on `rampart-auth`, rebinds `AUTH_TOKENS.ReplayStore`, adds the
 * `revocation` stage under `AUTH_STAGE`, connects in `onInit` (a second connection subscribes to revocations) and
 * quits in `onClose`.
 *
 * @example
 * ```ts
 * // RAMPART_REDIS_URL=redis://redis.internal:6379
 * const app = await createApp({ name: 'payments', services, protos, plugins: [rampartAuth(), rampartRedis()] });
 * await app.listen();
 * await app.container.get<RedisRevocationList>(REDIS_TOKENS.RevocationList)
 *   .revoke({ sub: 'mallory', until: new Date(Date.now() + 3_600_000) });
 * ```
 */
export function rampartRedis(): RampartPlugin {
  return definePlugin({
    name: RAMPART_REDIS,
    dependencies: [RAMPART_AUTH],
    configSchema: redisConfigSchema,
    register(ctx) {
      const settings = redisSettingsFromConfig(ctx.config);
      const { container } = ctx;
      // The tolerance of the verifier in use (one given to rampartAuth in code, else the one built from config).
      const verifier = container.isBound(AUTH_TOKENS.TokenVerifier) ? container.get<TokenVerifier>(AUTH_TOKENS.TokenVerifier) : undefined;
      checkReplayGrace(settings.replayGraceMs, verifier?.clockToleranceSec ?? ctx.config.get<number>('auth.tokens.clockToleranceSec'));
      const connection = new RedisConnection(settings, ctx.logger);
      const list = new RedisRevocationList(connection, settings.keyPrefix);
      const openStreams = new OpenStreams();
      container.bind(REDIS_TOKENS.Connection).toConstantValue(connection);
      container.bind(REDIS_TOKENS.RevocationList).toConstantValue(list);
      container.bind(REDIS_TOKENS.OpenStreams).toConstantValue(openStreams);
      container
        .rebind(AUTH_TOKENS.ReplayStore)
        .toConstantValue(new RedisReplayStore(connection, { keyPrefix: settings.keyPrefix, graceMs: settings.replayGraceMs }));
      ctx.on('onInit', () => connection.open());
      ctx.on('onClose', () => connection.close());
      if (settings.revocation) {
        container.bind(AUTH_STAGE).to(RevocationStage).inSingletonScope();
        // Revocations reach open streams through pub/sub, on a connection of its own (ADR 0015).
        const subscriber = new RedisConnection(settings, ctx.logger.child({ redisConnection: 'revocation feed' }));
        const feed = new RevocationFeed(subscriber, list, openStreams, settings.keyPrefix, ctx.logger);
        ctx.on('onInit', () => feed.open());
        ctx.on('onClose', () => feed.close());
      }
    },
  });
}
