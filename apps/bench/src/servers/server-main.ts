/**
 * A benchmark server process: starts the server of its kind, reports its port, then measures windows on request
 * (CPU time of the whole process and units served), reports RSS, and exits when told or when the orchestrator goes.
 */
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';
import { SERVER_ENV, type FromServer, type ServerConfig, type ToServer } from '../ipc.js';
import { served } from './served.js';

const send = (message: FromServer): void => void process.send?.(message);
const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** Starts the server of `kind`, importing only what it needs (so RSS and start-up are each server's own). */
async function start(config: ServerConfig): Promise<{ port: number; close(): Promise<void> | void }> {
  const { kind, fixtures } = config;
  switch (kind) {
    case 'grpc-plaintext':
    case 'grpc-mtls':
      return (await import('./bare-grpc.js')).startBareGrpc(fixtures, kind === 'grpc-mtls');
    case 'grpc-mtls-interceptor':
      return (await import('./bare-grpc.js')).startBareGrpc(fixtures, true, 'interceptor');
    case 'grpc-mtls-options':
      return (await import('./bare-grpc.js')).startBareGrpc(fixtures, true, 'rampart-options');
    case 'grpc-mtls-jose':
      return (await import('./bare-grpc.js')).startBareGrpc(fixtures, true, 'jose');
    case 'rampart-mtls':
    case 'rampart-auth':
    case 'rampart-auth-async-stream': {
      const auth = kind !== 'rampart-mtls';
      const { port, app } = await (await import('./rampart-app.js')).startRampart(fixtures, auth, 'info', kind === 'rampart-auth-async-stream');
      return { port, close: () => app.close({ graceMs: 200 }) };
    }
    case 'grpc-mtls-beside-rampart': {
      // Bare grpc-js serves the calls; a full-auth Rampart app in the same process is started and never called: what
      // Rampart's loaded modules and long-lived objects cost the bare server (a larger heap for every GC to walk).
      const { app } = await (await import('./rampart-app.js')).startRampart(fixtures, true, 'info');
      const bare = await (await import('./bare-grpc.js')).startBareGrpc(fixtures, true);
      return { port: bare.port, close: async () => { bare.close(); await app.close({ graceMs: 200 }); } };
    }
    case 'rampart-mtls-bare-handler': {
      // The @RequireMtls app, with grpc-js's echo handler swapped for the bare one: everything of Rampart's is there
      // (modules, options, credentials, health, reflection) except its per-call work.
      const { port, app } = await (await import('./rampart-app.js')).startRampart(fixtures, false, 'info');
      (await import('./grpc-handler-table.js')).swapEchoHandler(app);
      return { port, close: () => app.close({ graceMs: 200 }) };
    }
    case 'nest-jwt':
      return (await import('./nest-app.js')).startNest(fixtures);
    case 'jose-baseline':
      return { port: 0, close() {} };
  }
}

/**
 * Garbage-collection pauses since the window started: they set the tail latency of a saturated server. Split by
 * kind: minor (scavenges of the young generation, whose cost is what survives them) and major (mark-compact and its
 * incremental steps, whose cost grows with the live heap).
 */
const gc = { count: 0, ms: 0, maxMs: 0, minorMs: 0, majorMs: 0 };
const MAJOR = perfConstants.NODE_PERFORMANCE_GC_MAJOR | perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count += 1;
    gc.ms += entry.duration;
    if (entry.duration > gc.maxMs) gc.maxMs = entry.duration;
    const kind = (entry as { detail?: { kind?: number } | null }).detail?.kind ?? 0;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gc.minorMs += entry.duration;
    else if ((kind & MAJOR) !== 0) gc.majorMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

/** The heap in use after two forced GCs, MB; NaN when GC cannot be forced (no `--expose-gc`). */
function heapAfterGcMb(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) return Number.NaN;
  collect();
  collect();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env[SERVER_ENV] ?? '{}') as ServerConfig;
  const server = await start(config);
  const heapAfterStartMb = heapAfterGcMb();
  const jose =
    config.kind === 'jose-baseline' ? await (await import('./jose-baseline.js')).createJoseBaseline(config.fixtures) : undefined;
  let window: { cpu: NodeJS.CpuUsage; units: number; at: number; startUs: number } | undefined;
  const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

  process.on('message', (raw) => {
    const message = raw as ToServer;
    switch (message.type) {
      case 'start':
        window = { cpu: process.cpuUsage(), units: served.units, at: performance.now(), startUs: monotonicUs() };
        Object.assign(gc, { count: 0, ms: 0, maxMs: 0, minorMs: 0, majorMs: 0 });
        send({ type: 'started' });
        break;
      case 'stop': {
        if (!window) {
          send({ type: 'error', message: 'stop without start' });
          break;
        }
        const cpu = process.cpuUsage(window.cpu);
        send({
          type: 'window',
          cpuUs: cpu.user + cpu.system,
          units: served.units - window.units,
          wallMs: performance.now() - window.at,
          maxRssMb: maxRssMb(),
          startUs: window.startUs,
          endUs: monotonicUs(),
          gcMs: gc.ms,
          gcMaxMs: gc.maxMs,
          gcCount: gc.count,
          gcMinorMs: gc.minorMs,
          gcMajorMs: gc.majorMs,
          heapAfterStartMb,
        });
        window = undefined;
        break;
      }
      case 'rss': {
        const heapUsedMb = heapAfterGcMb();
        const memory = process.memoryUsage();
        send({ type: 'rss', rssMb: memory.rss / 2 ** 20, heapUsedMb: Number.isNaN(heapUsedMb) ? memory.heapUsed / 2 ** 20 : heapUsedMb });
        break;
      }
      case 'major-gc': {
        const collect = (globalThis as { gc?: () => void }).gc;
        if (collect === undefined) {
          send({ type: 'error', message: 'major-gc needs the server started with --expose-gc' });
          break;
        }
        const at = performance.now();
        collect();
        send({ type: 'major-gc', ms: performance.now() - at });
        break;
      }
      case 'jose':
        if (!jose) {
          send({ type: 'error', message: 'not a jose-baseline process' });
          break;
        }
        jose(message.durationMs, message.concurrency, message.verifier).then(
          (result) => send({ type: 'jose', ...result }),
          (error: unknown) => send({ type: 'error', message: String(error) }),
        );
        break;
      case 'exit':
        void Promise.resolve(server.close()).finally(() => process.exit(0));
        break;
    }
  });
  // The orchestrator died or closed the channel: do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: server.port });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
