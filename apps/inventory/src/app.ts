import 'reflect-metadata';
import { rampartAuth } from '@rampart/auth';
import { createApp, type CreateAppOptions, type RampartApp } from '@rampart/server';
import { Container } from 'inversify';
import { PROTO_ROOT } from '@rampart/protos';
import { InventoryService } from './inventory-service.js';
import { STOCK_REPOSITORY, StockRepository } from './stock-repository.js';

/** Where the sample system's `.proto` files are: the `@rampart/protos` package, so they travel with a deployed app. */
export { PROTO_ROOT };

/** The inventory app's building blocks, for `main.ts` and for tests. */
export function inventoryAppOptions(): Pick<CreateAppOptions, 'name' | 'services' | 'protos' | 'container' | 'plugins'> {
  const container = new Container();
  container.bind(STOCK_REPOSITORY).toConstantValue(new StockRepository());
  return { name: 'inventory', services: [InventoryService], protos: { root: PROTO_ROOT }, container, plugins: [rampartAuth()] };
}

/** Creates the inventory app; config comes from `RAMPART_CONFIG` files and the environment. */
export function createInventoryApp(overrides: Partial<CreateAppOptions> = {}): Promise<RampartApp> {
  return createApp({ ...inventoryAppOptions(), ...overrides });
}
