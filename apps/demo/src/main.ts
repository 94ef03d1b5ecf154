import { thumbprintOfPem } from '@rampart/pki';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Callers } from './callers.js';
import { ensureDemoPki, RUNTIME_DIR } from './dev-pki.js';
import { attackTokens } from './forged-tokens.js';
import { waitForIssuer, waitUntilServing } from './health.js';
import { stopAll, type Managed } from './processes.js';
import { runScenarios } from './scenarios.js';
import { renderTable } from './table.js';
import { startWorld } from './world.js';

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopping = true;
    process.stderr.write(`\ndemo: ${signal}, stopping the services\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const pki = await ensureDemoPki();
  console.log('demo: dev PKI in .rampart/pki (CA + SPIFFE certificates for spiffe://demo.rampart.dev/{issuer,inventory,orders,demo-client,intruder})');
  const world = await startWorld(pki, RUNTIME_DIR, 'warn');
  const processes: Managed[] = [world.issuer, world.inventory, world.orders];
  const callers = new Callers(pki, world.issuerUrl);
  try {
    console.log(`demo: issuer ${world.issuerUrl}, inventory ${world.inventoryAddress}, orders ${world.ordersAddress} (each its own process)`);
    const ca = readFileSync(pki.caCert);
    await waitForIssuer(world.issuerUrl, ca, 20_000, world.issuer.exited);
    const probe = await callers.mtls('demo-client', 'inventory');
    await waitUntilServing(world.inventoryAddress, 20_000, world.inventory.exited, probe);
    await waitUntilServing(world.ordersAddress, 20_000, world.orders.exited, await callers.mtls('demo-client', 'orders'));
    const aliceCert = pki.workloads['demo-client']?.cert;
    if (!aliceCert) throw new Error('no demo-client certificate');
    const attacks = await attackTokens(world.issuerUrl, join(RUNTIME_DIR, 'issuer', 'keys.json'), thumbprintOfPem(readFileSync(aliceCert, 'utf8')));
    const rows = await runScenarios({ callers, ordersAddress: world.ordersAddress, inventoryAddress: world.inventoryAddress, attacks });
    const unexpected = rows.filter((r) => r.expected !== r.actual).length;
    console.log(`\n${renderTable(rows)}\n`);
    console.log(`demo: finished in ${((Date.now() - started) / 1000).toFixed(1)} s; stopping the services`);
    console.log(`demo: ${rows.length} scenarios, ${unexpected} unexpected`);
    if (unexpected > 0) {
      // The services log every refused call (with its reason) and every error at warn: what explains the rows above.
      // The scenarios that should succeed run first, so the start of each output is what matters.
      for (const p of processes) console.error(`--- ${p.name} output (warn and above) ---\n${p.output.join('').slice(0, 8_000)}`);
    }
    return unexpected === 0 ? 0 : 1;
  } catch (error) {
    if (stopping) return 130;
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    for (const p of processes) console.error(`--- ${p.name} output ---\n${p.output.join('').slice(-4_000)}`);
    return 1;
  } finally {
    await callers.close().catch(() => undefined);
    await stopAll();
  }
}

process.exitCode = await main();
