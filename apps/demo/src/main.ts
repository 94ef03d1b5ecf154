import { credentials } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { closeClient, createClient } from '@rampart/client';
import { fileURLToPath } from 'node:url';
import { ensureDemoPki } from './dev-pki.js';
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
  const pki = await ensureDemoPki();
  const inventoryCert = pki.workloads.inventory;
  const clientCert = pki.workloads['demo-client'];
  if (!inventoryCert || !clientCert) throw new Error('the dev PKI has no inventory or demo-client certificate');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  console.log(`demo: dev PKI in .rampart/pki (trust domain demo.rampart.dev); starting inventory on ${address} (mTLS)`);
  const inventoryProcess: Managed = startNode('inventory', INVENTORY_MAIN, {
    RAMPART_SERVER_HOST: '127.0.0.1',
    RAMPART_SERVER_PORT: String(port),
    RAMPART_TLS_CERT_FILE: inventoryCert.chain,
    RAMPART_TLS_KEY_FILE: inventoryCert.key,
    RAMPART_TLS_CA_FILE: pki.caCert,
    RAMPART_LOG_LEVEL: 'warn',
  });
  const tls = credentials.createSsl(readFileSync(pki.caCert), readFileSync(clientCert.key), readFileSync(clientCert.chain));
  try {
    await waitUntilServing(address, 15_000, inventoryProcess.exited, tls);
    // Connect to 127.0.0.1 but check the certificate for "localhost" (TLS SNI must not be an IP address).
    const channelOptions = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };
    const trusted = createClient(InventoryServiceDescriptor, { address, protoRoot: PROTO_ROOT, credentials: tls, channelOptions });
    const anonymous = createClient(InventoryServiceDescriptor, {
      address,
      protoRoot: PROTO_ROOT,
      credentials: credentials.createSsl(readFileSync(pki.caCert)),
      channelOptions,
    });
    const rows = await runScenarios({ trusted, anonymous });
    closeClient(trusted);
    closeClient(anonymous);
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
