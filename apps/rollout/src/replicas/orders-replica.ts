// One orders replica of the rollout: the demo's orders app, whose in-memory order store starts with the same seed
// orders on every replica (standing in for a shared database), so GetOrder and TrackOrders of a seed order succeed
// at whichever replica the balancer picks. Config (inventory's DNS address, tokens, TLS) from the environment.
import 'reflect-metadata';
import { ordersAppOptions, ORDER_REPOSITORY, type OrderRepository } from '@rampart/orders';
import { createApp } from '@rampart/server';
import { reportMemory } from './memory-report.js';
import { SEED_ORDER_IDS } from './seed-orders.js';

reportMemory(process.env);
try {
  const options = ordersAppOptions();
  const orders = options.container!.get<OrderRepository>(ORDER_REPOSITORY);
  for (const orderId of SEED_ORDER_IDS) {
    orders.save({ orderId, sku: 'SKU-RED-MUG', quantity: 1, status: 'RESERVED', reservationId: `seed-${orderId}`, placedBy: 'seed' });
  }
  const app = await createApp(options);
  await app.listen();
} catch (error) {
  process.stderr.write(`orders replica: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
