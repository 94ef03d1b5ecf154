import { rampartRedisWhenConfigured } from '@rampart/plugin-redis';
import { createOrdersApp, ordersAppOptions } from './app.js';

try {
  // With a Redis configured (RAMPART_REDIS_URL or _FILE, as on Kubernetes) the replicas share one-time tokens and
  // revocations; without one the app runs alone.
  const app = await createOrdersApp({ plugins: [...(ordersAppOptions().plugins ?? []), ...rampartRedisWhenConfigured()] });
  await app.listen();
} catch (error) {
  process.stderr.write(`orders: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
