import 'reflect-metadata';
import { definePlugin, type CallContext, type InterceptorDeclaration, type MethodPlan, type RampartPlugin } from '@rampart/core';

const CACHEABLE = Symbol.for('example.response-cache.Cacheable');

/** Marks a unary method whose answer may be reused for `ttlMs` for the same caller and the same request. */
export function Cacheable(options: { ttlMs: number }): MethodDecorator {
  return (target, property) => Reflect.defineMetadata(CACHEABLE, options, target, property);
}

function cacheableOf(plan: MethodPlan): { ttlMs: number } | undefined {
  const options: unknown = Reflect.getMetadata(CACHEABLE, plan.serviceClass.prototype as object, plan.method.handlerName);
  return plan.method.kind === 'unary' ? (options as { ttlMs: number } | undefined) : undefined;
}

/** Who is asking: the token's issuer and subject, else the client certificate's SPIFFE ID; nobody: not cached. */
function callerOf(ctx: CallContext): string | undefined {
  if (ctx.principal) return `${ctx.principal.issuer}\n${ctx.principal.subject}`;
  return ctx.peer?.spiffeId;
}

const DECLARATION: InterceptorDeclaration = { name: 'response-cache', appliesTo: (plan) => cacheableOf(plan) !== undefined };

/**
 * A response cache for `@Cacheable` unary methods: the same caller sending the same request within the TTL gets the
 * stored answer without the handler running (`x-cache: hit`), others go through (`x-cache: miss`). Entries are per
 * caller, so one caller never gets another's answer; at most `responseCache.maxEntries` are kept.
 */
export function responseCache(): RampartPlugin {
  return definePlugin({
    name: 'response-cache',
    configSchema: {
      responseCache: {
        maxEntries: { doc: 'How many answers to keep (oldest dropped first).', format: 'nat', default: 1_000, env: 'RESPONSE_CACHE_MAX_ENTRIES' },
      },
    },
    interceptors: [DECLARATION],
    register(ctx) {
      const maxEntries = ctx.config.get('responseCache.maxEntries');
      const entries = new Map<string, { message: unknown; until: number }>();
      ctx.on('onClose', () => entries.clear());
      ctx.addInterceptor({
        ...DECLARATION,
        forMethod(plan) {
          const { ttlMs } = cacheableOf(plan) ?? { ttlMs: 0 };
          return {
            async intercept(request, call, next) {
              const caller = callerOf(call);
              if (caller === undefined || request.kind !== 'unary') return next(request);
              const key = `${caller}\n${plan.method.path}\n${JSON.stringify(request.message)}`;
              const hit = entries.get(key);
              if (hit !== undefined && hit.until > Date.now()) {
                call.responseHeaders.set('x-cache', 'hit');
                return { message: hit.message };
              }
              call.responseHeaders.set('x-cache', 'miss');
              const response = await next(request);
              if ('message' in response) {
                entries.delete(key);
                entries.set(key, { message: response.message, until: Date.now() + ttlMs });
                if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
              }
              return response;
            },
          };
        },
      });
    },
  });
}
