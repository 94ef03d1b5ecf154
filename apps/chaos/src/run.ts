import { dnsTarget, LoadDriver } from '@rampart/rollout';
import { readFileSync } from 'node:fs';
import type { Flags } from './flags.js';
import type { Fault } from './faults/fault.js';
import { InvalidCallers } from './invalid/invalid-callers.js';
import type { ChaosRecord } from './report/chaos-record.js';
import type { ChaosResult } from './report/chaos-result.js';
import { MemorySampler } from './report/memory-sampler.js';
import { collectWarnings } from './report/process-warnings.js';
import { attributeFailuresToTheirEnd, buildResult, RECOVERED_QUIET_MS, soakVerdict, type FaultWindow } from './report/summarize.js';
import { SoakStreams } from './soak/soak-streams.js';
import type { ChaosSystem } from './system/chaos-system.js';

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The steady window before the first fault and after the last. */
const steady = (name: string): Omit<FaultWindow, 'from' | 'stepsEnd' | 'to'> => ({
  name,
  planned: true,
  allowed: [],
  expected: 'no valid call fails, no invalid call is accepted',
});

/** What one run needs from its caller. */
export interface RunInput {
  readonly flags: Flags;
  readonly system: ChaosSystem;
  readonly faults: readonly Fault[];
  readonly log: (line: string) => void;
  /** Set by the run: whatever must be stopped on an interrupt. */
  readonly onStoppable: (stop: () => Promise<void>) => void;
}

/** Runs the load, the invalid callers and the schedule (or the soak) against a started system. */
export async function runSchedule({ flags, system, faults, log, onStoppable }: RunInput): Promise<ChaosResult> {
  const { cluster, dns, pki, network } = system;
  if (!cluster || !dns || !pki || !network) throw new Error('start the system first');
  const records: ChaosRecord[] = [];
  let current = 'steady';
  const ordersCredentials = await cluster.credentials('orders');
  const load = new LoadDriver({
    target: dnsTarget(dns.address, 'orders'),
    credentials: ordersCredentials,
    tokens: system.tokenClient(),
    rate: flags.rate,
    channels: flags.channels,
    maxInFlight: Math.max(50, flags.rate * 5),
    deadlineMs: 10_000,
    channelOptions: { 'grpc.dns_min_time_between_resolutions_ms': 1_000 },
  });
  const loadClient = pki.paths.workloads['load-client'];
  if (!loadClient) throw new Error('no load-client certificate');
  const invalid = new InvalidCallers({
    ordersTarget: dnsTarget(dns.address, 'orders'),
    inventoryTarget: dnsTarget(dns.address, 'inventory'),
    ordersCredentials,
    inventoryCredentials: await cluster.credentials('inventory'),
    foreign: { ...(await pki.foreignCertificate('load-client')), caPem: () => readFileSync(pki.paths.caCert) },
    tokens: system.tokenClient(),
    freshTokens: () => system.tokenClient(true),
    keysFile: () => cluster.issuerKeysFile,
    rate: flags.invalidRate,
    record: (r) => records.push(r),
    fault: () => current,
  });
  const soak = flags.soakMinutes === undefined ? undefined : new SoakStreams({
    target: dnsTarget(dns.address, 'orders'),
    credentials: ordersCredentials,
    tokens: system.tokenClient(),
    streams: flags.streams,
    messageEveryMs: 5_000,
    // The token cache hands out a token until 30 % of its lifetime is left (then refreshes): a stream must end within
    // that, or the server ends it at the token's expiry (UNAUTHENTICATED "token expired").
    lifetimeMs: Math.min(120_000, (flags.tokenTtlSec * 1_000) / 4),
    channels: 10,
    record: (r) => records.push(r),
    fault: () => current,
  });
  const sampler = new MemorySampler(() => system.processes().filter((p) => soak === undefined || p.name !== 'harness'), soak ? 60_000 : 1_000);
  const stopAll = async () => {
    sampler.stop();
    await Promise.all([load.stop(), invalid.stop(), soak?.stop()]);
    load.close();
    invalid.close();
  };
  onStoppable(stopAll);
  const windows: FaultWindow[] = [];
  const enter = (name: string) => {
    current = name;
    load.phase = name;
  };
  const start = Date.now();
  sampler.start();
  load.start();
  invalid.start();
  soak?.start();
  log(`load: ${flags.rate} valid calls/s over ${flags.channels} channels, ${flags.invalidRate} invalid calls/s${soak ? `, ${flags.streams} long-lived streams` : ''}`);
  const hold = async (name: string, ms: number) => {
    enter(name);
    const from = Date.now();
    await pause(ms);
    windows.push({ ...steady(name), from, stepsEnd: Date.now(), to: Date.now() });
  };
  if (flags.soakMinutes !== undefined) {
    await hold('soak', flags.soakMinutes * 60_000);
  } else {
    await hold('steady', flags.steadyMs);
    for (const fault of faults) {
      enter(fault.name);
      log(`▶ ${fault.name}`);
      const from = Date.now();
      let error: string | undefined;
      try {
        await fault.run({ system, log: (l) => log(`  ${l}`), pause, quick: flags.quick, tokenTtlSec: flags.tokenTtlSec });
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        log(`  the fault's steps failed: ${error}`);
      }
      const stepsEnd = Date.now();
      await pause(RECOVERED_QUIET_MS + 1_000);
      windows.push({ name: fault.name, planned: fault.planned, allowed: fault.allowed, expected: fault.expected, from, stepsEnd, to: Date.now(), ...(error ? { error } : {}) });
      if (error) break;
    }
    await hold('steady (after)', 5_000);
  }
  enter('stopping');
  await stopAll();
  sampler.sample();
  const end = Date.now();
  for (const r of load.records) {
    records.push({ caller: 'valid', kind: r.kind, fault: r.phase, startedAt: r.startedAt, latencyMs: r.latencyMs, status: r.status, ...(r.details ? { details: r.details } : {}) });
  }
  attributeFailuresToTheirEnd(records, windows);
  return buildResult({
    start,
    end,
    mode: flags.soakMinutes !== undefined ? 'soak' : flags.only.length > 0 ? 'only' : flags.quick ? 'quick' : 'full',
    network: { kind: network.kind, cidr: network.cidr },
    settings: {
      rate: flags.rate,
      invalidRate: flags.invalidRate,
      channels: flags.channels,
      inventoryReplicas: flags.inventoryReplicas,
      ordersReplicas: flags.ordersReplicas,
      tokenTtlSec: flags.tokenTtlSec,
      skippedTicks: load.skipped,
      invalidSkipped: invalid.skipped,
      ...(soak ? { streams: flags.streams } : {}),
    },
    windows: windows.filter((w) => w.name !== 'stopping'),
    records: records.filter((r) => r.fault !== 'stopping'),
    samples: sampler.samples,
    ...(flags.soakMinutes !== undefined ? { soak: soakVerdict(sampler.samples, flags.soakMinutes, flags.streams) } : {}),
    warnings: collectWarnings(system.loggedProblems(), start),
  });
}
