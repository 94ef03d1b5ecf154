import { credentials } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { InventoryServiceDescriptor } from './generated/index.js';
import { waitUntilServing } from './health.js';
import { startNode, stopAll, type Managed } from './processes.js';
import { runScenarios } from './scenarios.js';
import { renderTable } from './table.js';

const PROTO_ROOT = fileURLToPath(new URL('../../../proto', import.meta.url));
const INVENTORY_MAIN = fileURLToPath(new URL('./main.js', import.meta.resolve('@rampart/inventory')));

process.once('SIGINT', () => {
  process.stderr.write('\ndemo: interrupted, stopping services\n');
  void stopAll().finally(() => process.exit(130));
});

async function main(): Promise<number> {
  const started = Date.now();
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  console.log(`demo: starting inventory on ${address}`);
  const inventoryProcess: Managed = startNode('inventory', INVENTORY_MAIN, {
    RAMPART_SERVER_HOST: '127.0.0.1',
    RAMPART_SERVER_PORT: String(port),
    // Plaintext until the transport-security work lands; the service logs a warning about it.
    RAMPART_TRANSPORT_INSECURE: 'true',
    RAMPART_LOG_LEVEL: 'warn',
  });
  try {
    await waitUntilServing(address, 15_000, inventoryProcess.exited);
    const inventory = createClient(InventoryServiceDescriptor, {
      address,
      protoRoot: PROTO_ROOT,
      credentials: credentials.createInsecure(),
    });
    const rows = await runScenarios(inventory);
    closeClient(inventory);
    const unexpected = rows.filter((r) => r.expected !== r.actual).length;
    console.log(`\n${renderTable(rows)}\n`);
    console.log(`demo: ${rows.length} scenarios, ${unexpected} unexpected (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return unexpected === 0 ? 0 : 1;
  } catch (error) {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`--- inventory output ---\n${inventoryProcess.output.join('')}`);
    return 1;
  } finally {
    await stopAll();
  }
}

process.exitCode = await main();
