import { definePlugin, type RampartPlugin } from '@rampart/core';
import { mtlsInterceptor } from './mtls-interceptor.js';

/**
 * Options of {@link rampartAuth}. None yet: the token pipeline (issuers, audiences, caches) adds its options here.
 *
 * @example
 * ```ts
 * const options: RampartAuthOptions = {};
 * ```
 */
export type RampartAuthOptions = Record<string, never>;

/**
 * The Rampart auth plugin. For now it only adds the interceptor that enforces `@RequireMtls`
 * ({@link mtlsInterceptor}); the token pipeline (`@Authenticated`, policies, audit) will be registered here too.
 *
 * @example
 * ```ts
 * const app = await createApp({ name: 'inventory', services: [InventoryService], plugins: [rampartAuth()] });
 * ```
 */
export function rampartAuth(_options: RampartAuthOptions = {}): RampartPlugin {
  return definePlugin({
    name: 'rampart-auth',
    register(ctx) {
      ctx.addInterceptor(mtlsInterceptor());
    },
  });
}
