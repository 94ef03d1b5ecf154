import { PinoPretty } from 'pino-pretty';
import { Callers } from './callers.js';
import { ensureDemoPki, RUNTIME_DIR } from './dev-pki.js';
import { waitForIssuer, waitUntilServing } from './health.js';
import { stopAll } from './processes.js';
import { startWorld } from './world.js';
import { readFileSync } from 'node:fs';

// `pnpm dev`: the issuer, inventory and orders running with readable logs until Ctrl-C, for trying things by hand.
const streams = new Map<string, ReturnType<typeof PinoPretty>>();
const prettyFor = (name: string) => {
  const stream = PinoPretty({ colorize: process.stdout.isTTY, messageFormat: `[${name}] {msg}`, ignore: 'pid,hostname' });
  streams.set(name, stream);
  return (chunk: Buffer) => stream.write(chunk);
};

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\ndev: ${signal}, stopping the services`);
    void stopAll().finally(() => process.exit(0));
  });
}

const pki = await ensureDemoPki();
const world = await startWorld(pki, RUNTIME_DIR, process.env.RAMPART_LOG_LEVEL ?? 'debug', prettyFor);
const callers = new Callers(pki, world.issuerUrl);
try {
  await waitForIssuer(world.issuerUrl, readFileSync(pki.caCert), 20_000, world.issuer.exited);
  await waitUntilServing(world.inventoryAddress, 20_000, world.inventory.exited, await callers.mtls('demo-client', 'inventory'));
  await waitUntilServing(world.ordersAddress, 20_000, world.orders.exited, await callers.mtls('demo-client', 'orders'));
  const client = pki.workloads['demo-client'];
  console.log(`
dev: running (Ctrl-C stops everything)
  issuer     ${world.issuerUrl}  (discovery: ${world.issuerUrl}/.well-known/openid-configuration)
  inventory  ${world.inventoryAddress}  spiffe://demo.rampart.dev/inventory
  orders     ${world.ordersAddress}  spiffe://demo.rampart.dev/orders
  a client certificate: ${client?.chain ?? '?'} (key ${client?.key ?? '?'}), CA ${pki.caCert}
  tokens: client credentials at the issuer with that certificate, client_id=demo-client, resource=spiffe://demo.rampart.dev/orders
`);
} catch (error) {
  console.error(`dev: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exitCode = 1;
} finally {
  await callers.close();
}
