// Compile-time checks: an app's config is typed by the server's schema and by each of its plugins' schemas, so the
// orders app reads its own, auth's, the clients', Redis's, OpenTelemetry's and the rate limiter's keys with their
// types and no casts. Run by `vitest --typecheck` and by `tsc` (typecheck); each `@ts-expect-error` fails when its
// line starts to compile.
import { rampartAuth } from '@rampart/auth';
import { rampartClients } from '@rampart/client';
import { rampartOtel } from '@rampart/plugin-otel';
import { rampartRateLimit } from '@rampart/plugin-ratelimit';
import { rampartRedis } from '@rampart/plugin-redis';
import { createApp } from '@rampart/server';
import { describe, expectTypeOf, test } from 'vitest';
import { PROTO_ROOT } from '../src/app.js';
import { InventoryServiceDescriptor } from '../src/generated/index.js';
import { OrdersService } from '../src/orders-service.js';
import { ordersSettings } from '../src/orders-settings.js';

describe("the orders app's config", () => {
  test('composes the server, its own settings and every plugin, typed by key', async () => {
    const app = await createApp({
      name: 'orders',
      services: [OrdersService],
      protos: { root: PROTO_ROOT },
      plugins: [
        ordersSettings(),
        rampartAuth(),
        rampartClients({ inventory: { descriptor: InventoryServiceDescriptor, protoRoot: PROTO_ROOT } }),
        rampartRedis(),
        rampartOtel(),
        rampartRateLimit(),
      ],
    });
    const { config } = app;
    expectTypeOf(config.get('server.port')).toEqualTypeOf<number>();
    expectTypeOf(config.get('log.format')).toEqualTypeOf<'auto' | 'json' | 'pretty'>();
    expectTypeOf(config.get('orders.maxOrders')).toEqualTypeOf<number>();
    expectTypeOf(config.get('auth.tokens.audience')).toEqualTypeOf<string>();
    expectTypeOf(config.get('auth.tokens.issuers')[0]?.issuer).toEqualTypeOf<string | undefined>();
    expectTypeOf(config.get('auth.audit.denyLevel')).toEqualTypeOf<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'>();
    expectTypeOf(config.get('clients.inventory.address')).toEqualTypeOf<string>();
    expectTypeOf(config.get('clients.inventory.retry.retryableStatusCodes')).toEqualTypeOf<readonly string[]>();
    expectTypeOf(config.get('clients.inventory.loadBalancingPolicy')).toEqualTypeOf<'round_robin' | 'pick_first'>();
    expectTypeOf(config.get('auth.client.scopes')).toEqualTypeOf<{ readonly [audience: string]: readonly string[] }>();
    expectTypeOf(config.get('transport.tls.federatedBundles')).toEqualTypeOf<{ readonly [trustDomain: string]: string }>();
    expectTypeOf(config.get('redis.url')).toEqualTypeOf<string>();
    expectTypeOf(config.get('otel.metrics.exportIntervalMs')).toEqualTypeOf<number>();
    expectTypeOf(config.get('ratelimit.redis.failureMode')).toEqualTypeOf<'closed' | 'open' | 'local'>();
    expectTypeOf(config.get('ratelimit.defaultLimit.capacity')).toEqualTypeOf<number>();
    // @ts-expect-error no target named billing
    config.get('clients.billing.address');
    // @ts-expect-error a misspelt key
    config.get('orders.maxOrder');
    // @ts-expect-error a string is no number
    const port: string = config.get('server.port');
    expectTypeOf(port).toBeString();
  });

  test('without a plugin its keys are unknown to the app', async () => {
    const app = await createApp({ name: 'orders', services: [OrdersService], protos: { root: PROTO_ROOT }, plugins: [rampartAuth()] });
    expectTypeOf(app.config.get('auth.tokens.audience')).toEqualTypeOf<string>();
    // @ts-expect-error rampartRedis() is not among the plugins
    app.config.get('redis.url');
  });
});
