import 'reflect-metadata';
import { rampartAuth } from '@rampart/auth';
import { rampartClients } from '@rampart/client';
import { rampartRateLimit } from '@rampart/plugin-ratelimit';
import { rampartValidate } from '@rampart/plugin-validate';
import { createApp, type CreateAppOptions, type RampartApp } from '@rampart/server';
import { Container } from 'inversify';
import { PROTO_ROOT } from '@rampart/protos';
import { InventoryServiceDescriptor } from './generated/index.js';
import { ORDER_REPOSITORY, OrderRepository } from './order-repository.js';
import { OrdersService } from './orders-service.js';
import { ordersSettings } from './orders-settings.js';

/** Where the sample system's `.proto` files are: the `@rampart/protos` package, so they travel with a deployed app. */
export { PROTO_ROOT };

/** The orders app's building blocks, for `main.ts` and for tests. */
export function ordersAppOptions(): Pick<CreateAppOptions, 'name' | 'services' | 'protos' | 'container' | 'plugins'> {
  const container = new Container();
  container.bind(ORDER_REPOSITORY).toConstantValue(new OrderRepository());
  return {
    name: 'orders',
    services: [OrdersService],
    protos: { root: PROTO_ROOT },
    container,
    // rampartValidate checks the buf.validate rules of orders.proto (SKU format, quantities) after authentication;
    // rampartRateLimit applies @RateLimit on OrdersService (ratelimit.*, e.g. RAMPART_RATELIMIT_STORE=redis, from config).
    plugins: [
      ordersSettings(),
      rampartAuth(),
      rampartValidate(),
      rampartRateLimit(),
      rampartClients({ inventory: { descriptor: InventoryServiceDescriptor, protoRoot: PROTO_ROOT } }),
    ],
  };
}

/** Creates the orders app; config comes from `RAMPART_CONFIG` files and the environment. */
export function createOrdersApp(overrides: Partial<CreateAppOptions> = {}): Promise<RampartApp> {
  return createApp({ ...ordersAppOptions(), ...overrides });
}
