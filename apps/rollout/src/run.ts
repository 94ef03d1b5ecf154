import { TokenClient } from '@rampart/client';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, type Replica } from './cluster/cluster.js';
import { dnsTarget } from './cluster/cluster-env.js';
import { DnsServer } from './dns/dns-server.js';
import { parseFlags, USAGE, type Flags } from './flags.js';
import type { Phase } from './load/call-record.js';
import { LoadDriver } from './load/load-driver.js';
import { openNetwork, type Network } from './network/hosts.js';
import { replayCheck } from './replay-check.js';
import { renderTable } from './report/render-table.js';
import type { ReplayResult, RunResult } from './report/results.js';
import { buildResult } from './report/summarize.js';
import { renderTimelineSvg } from './report/timeline-svg.js';
import { rollingRestart } from './rolling-restart.js';
import { rolloutPki } from './rollout-pki.js';
import { RESULTS_DIR, runDir } from './runtime-dir.js';
import { serverSettings, trafficBoundMs } from './server-settings.js';

const log = (line: string): void => void process.stdout.write(`rollout: ${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What has to be undone however the run ends. */
class Resources {
  network: Network | undefined;
  dns: DnsServer | undefined;
  cluster: Cluster | undefined;
  load: LoadDriver | undefined;
  tokens: TokenClient[] = [];
  dir: string | undefined;
  #done: Promise<void> | undefined;

  release(): Promise<void> {
    this.#done ??= (async () => {
      await this.load?.stop().catch(() => undefined);
      this.load?.close();
      for (const t of this.tokens) await t.close().catch(() => undefined);
      await this.cluster?.stop().catch(() => undefined);
      await this.dns?.close().catch(() => undefined);
      await this.network?.close().catch(() => undefined);
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.#done;
  }
}

/** Runs the whole rollout; resolves with the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`rollout: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const began = Date.now();
  const resources = new Resources();
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nrollout: ${signal}, stopping every process and removing the network\n`);
    void resources.release().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runRollout(flags, resources);
    const dir = flags.resultsDir ?? RESULTS_DIR;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rollout.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(dir, 'rollout.svg'), renderTimelineSvg(result));
    process.stdout.write(`\n${renderTable(result)}\n\n`);
    const replayOk = result.replay.every((r) => r.firstStatus.startsWith('OK') && r.secondStatus.startsWith('UNAUTHENTICATED'));
    log(`${result.total.calls} calls, ${result.total.failed} failed; one-time token refused at the second replica: ${replayOk ? 'yes' : 'NO'}`);
    log(`load ran ${(result.durationMs / 1_000).toFixed(1)} s, the whole run ${((Date.now() - began) / 1_000).toFixed(1)} s; results in ${join(dir, 'rollout.json')} and rollout.svg`);
    return result.total.failed === 0 && replayOk && result.total.calls > 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`rollout: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    for (const r of resources.cluster?.replicas ?? []) {
      if (r.process.problems.length > 0) process.stderr.write(`--- ${r.id} ---\n${r.process.problems.slice(-20).join('\n')}\n`);
    }
    const issuer = resources.cluster?.issuer;
    if (issuer && issuer.problems.length > 0) process.stderr.write(`--- issuer ---\n${issuer.problems.slice(-20).join('\n')}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await resources.release();
  }
}

async function runRollout(flags: Flags, res: Resources): Promise<RunResult> {
  const start = Date.now();
  res.network = await openNetwork({ forceLoopback: flags.loopback });
  const network = res.network;
  log(
    network.kind === 'netns'
      ? `hosts: network namespaces behind a bridge, ${network.cidr}`
      : `hosts: loopback addresses ${network.cidr} (no network namespaces: ${network.fallbackReason})`,
  );
  res.dns = await DnsServer.start(network.harnessAddress, { ttlSeconds: 1 });
  log(`DNS server at ${res.dns.address}: inventory.rollout.test and orders.rollout.test list every replica in DNS`);
  res.dir = runDir(process.pid);
  mkdirSync(res.dir, { recursive: true, mode: 0o700 });
  const issuerHost = await network.addHost('issuer');
  const pki = await rolloutPki(res.dir, issuerHost.address);
  const settings = serverSettings(flags);
  const cluster = new Cluster({ network, dns: res.dns, dir: res.dir, pki, issuerHost, ...settings });
  res.cluster = cluster;
  await cluster.startInfrastructure();
  log(`issuer ${cluster.issuerUrl}, redis ${cluster.redisUrl}`);
  const initial: Replica[] = [];
  for (const [kind, count] of [['inventory', flags.inventoryReplicas], ['orders', flags.ordersReplicas]] as const) {
    const started = await Promise.all(Array.from({ length: count }, () => cluster.startReplica(kind)));
    for (const r of started) cluster.addToDns(r);
    initial.push(...started);
    log(`${kind}: ${started.map((r) => `${r.id} ${r.address}`).join(', ')} SERVING`);
  }
  const loadFiles = pki.workloads['load-client'];
  if (!loadFiles) throw new Error('no load-client certificate');
  const newTokens = () => {
    const t = new TokenClient({ issuer: cluster.issuerUrl, clientId: 'load-client', certFile: loadFiles.chain, keyFile: loadFiles.key, caFile: pki.caCert });
    res.tokens.push(t);
    return t;
  };
  const inventoryCredentials = await cluster.credentials('inventory');
  const replay: ReplayResult[] = [];
  const [inv1, inv2] = cluster.running('inventory');
  if (inv1 && inv2) replay.push(await replayCheck(inv1, inv2, inventoryCredentials, newTokens()));

  const load = new LoadDriver({
    target: dnsTarget(res.dns.address, 'orders'),
    credentials: await cluster.credentials('orders'),
    tokens: newTokens(),
    rate: flags.rate,
    channels: flags.channels,
    maxInFlight: Math.max(50, flags.rate * 5),
    deadlineMs: 10_000,
    channelOptions: settings.loadChannelOptions,
  });
  res.load = load;
  const phases: { phase: Phase; from: number; to: number }[] = [];
  const enter = (phase: Phase) => {
    const now = Date.now();
    const last = phases.at(-1);
    if (last) last.to = now;
    phases.push({ phase, from: now, to: now });
    load.phase = phase;
  };
  const loadStart = Date.now();
  enter('before');
  load.start();
  log(`load: ${flags.rate} calls/s over ${flags.channels} channels (PlaceOrder, GetOrder, ImportOrders, TrackOrders) for ${flags.beforeMs / 1_000} s before the rollout`);
  await pause(flags.beforeMs);
  const replacements = new Set<string>();
  for (const kind of flags.restart) {
    enter(kind);
    log(`rolling restart of ${kind} (maxSurge 1, maxUnavailable 0)`);
    const started = await rollingRestart(cluster, kind, { endpointsLagMs: flags.endpointsLagMs, terminationGraceMs: flags.terminationGraceMs, betweenMs: flags.betweenMs, ...(flags.replace !== undefined ? { replace: flags.replace } : {}) }, log);
    for (const r of started) replacements.add(r.id);
  }
  enter('after');
  await pause(flags.afterMs);
  await load.stop();
  const end = Date.now();
  const last = phases.at(-1);
  if (last) last.to = end;
  const [a, b] = cluster.running('inventory');
  if (a && b) replay.push(await replayCheck(a, b, inventoryCredentials, newTokens()));
  log(`load stopped; ${initial.length} replicas at the start, ${replacements.size} replacements`);
  return buildResult({
    start: loadStart,
    end,
    records: load.records,
    skipped: load.skipped,
    replicas: cluster.replicas,
    replacements,
    phases,
    replay,
    network: { kind: network.kind, cidr: network.cidr, ...(network.fallbackReason ? { fallbackReason: network.fallbackReason } : {}) },
    settings: { ...flagSummary(flags), setupSeconds: Math.round((loadStart - start) / 1_000) },
    ...(trafficBoundMs(settings.serverSettings) !== undefined ? { trafficBoundMs: trafficBoundMs(settings.serverSettings) } : {}),
  });
}

function flagSummary(flags: Flags): Record<string, string | number | boolean> {
  return {
    rate: flags.rate,
    channels: flags.channels,
    beforeMs: flags.beforeMs,
    afterMs: flags.afterMs,
    inventoryReplicas: flags.inventoryReplicas,
    ordersReplicas: flags.ordersReplicas,
    restart: flags.restart.join(','),
    endpointsLagMs: flags.endpointsLagMs,
    betweenMs: flags.betweenMs,
    terminationGraceMs: flags.terminationGraceMs,
    ...(flags.replace !== undefined ? { replace: flags.replace } : {}),
    ...Object.fromEntries(Object.entries(flags.serverEnv)),
  };
}
