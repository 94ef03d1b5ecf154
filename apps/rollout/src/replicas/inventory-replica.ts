// One inventory replica of the rollout: the demo's inventory app with the Redis plugin (one shared replay store and
// revocation list for every replica), stock that the steady load cannot use up, and the ReplayProbe service (each
// token accepted once, so the harness can show a token used at one replica refused at another).
import 'reflect-metadata';
import { inventoryAppOptions, STOCK_REPOSITORY, type StockRepository } from '@rampart/inventory';
import { rampartRedis } from '@rampart/plugin-redis';
import { createApp } from '@rampart/server';
import { join } from 'node:path';
import { reportMemory } from './memory-report.js';
import { REPLAY_PROBE_PROTO, ReplayProbeService, ROLLOUT_PROTO_ROOT } from './replay-probe.js';

/** Units added to each demo SKU, so reservations never run out during a run. */
const ROLLOUT_STOCK = 1_000_000_000;

reportMemory(process.env);
try {
  const options = inventoryAppOptions();
  const stock = options.container!.get<StockRepository>(STOCK_REPOSITORY);
  for (const sku of ['SKU-RED-MUG', 'SKU-BLUE-MUG', 'SKU-TEAPOT']) stock.adjust(sku, ROLLOUT_STOCK);
  const app = await createApp({
    ...options,
    services: [...options.services, ReplayProbeService],
    // The demo's protos, plus the probe's by absolute path (proto-loader takes absolute file names as they are).
    protos: { root: options.protos.root, files: ['rampart/demo/inventory/v1/inventory.proto', join(ROLLOUT_PROTO_ROOT, REPLAY_PROBE_PROTO)] },
    plugins: [...(options.plugins ?? []), rampartRedis()],
  });
  await app.listen();
} catch (error) {
  process.stderr.write(`inventory replica: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
