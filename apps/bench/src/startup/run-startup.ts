import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nodeCommand } from '../child.js';
import { freePort } from '../free-port.js';
import type { Fixtures } from '../ipc.js';
import type { NodeRuntime } from '../node-runtime.js';
import { STARTUP_SCRIPT } from '../paths.js';
import { STARTUP_ENV, STARTUP_KINDS, type StartupKind, type StartupServerConfig } from './startup-config.js';
import { waitUntilServing } from './probe.js';
import { phasesFromLog, summarizeStartup, type StartupResults } from './startup-results.js';

/** The sample inventory app's entry point, `apps/inventory/dist/main.js`, as `pnpm start` runs it. */
const INVENTORY_MAIN = join(dirname(createRequire(import.meta.url).resolve('@rampart/inventory')), 'main.js');
/** The workspace's bundler (ADR 0051): `node scripts/bundle-app.mjs <app dir> --out <dir>`. */
const BUNDLE_SCRIPT = join(dirname(INVENTORY_MAIN), '..', '..', '..', 'scripts', 'bundle-app.mjs');
const SERVER_CORE = 0;
const TIMEOUT_MS = 60_000;

/** Options of {@link runStartup}. */
export interface StartupOptions {
  readonly fixtures: Fixtures;
  readonly node: NodeRuntime;
  /** Timed starts per server. */
  readonly runs: number;
  /** Pin each started server to core 0 from its first instruction (`taskset`). */
  readonly pin: boolean;
  readonly log: (line: string) => void;
  /** The bundled inventory app's `main.mjs` (set by {@link runStartup}). */
  readonly bundleMain?: string;
}

/**
 * The Rampart sample app's real start-up, configured as a deployment would configure it, from the environment: its
 * TLS files (here the bench's PKI), its token issuer with keys from a JWKS file (no network), production mode.
 */
function inventoryEnv(fixtures: Fixtures, port: number, logLevel: string): Record<string, string> {
  return {
    RAMPART_SERVER_HOST: '127.0.0.1',
    RAMPART_SERVER_PORT: String(port),
    RAMPART_LOG_LEVEL: logLevel,
    RAMPART_TLS_CERT_FILE: fixtures.serverCertFile,
    RAMPART_TLS_KEY_FILE: fixtures.serverKeyFile,
    RAMPART_TLS_CA_FILE: fixtures.caFile,
    RAMPART_AUTH_AUDIENCE: fixtures.audience,
    RAMPART_AUTH_ISSUERS: JSON.stringify([{ issuer: fixtures.issuer, jwksFile: fixtures.jwksFile, algorithms: ['ES256'] }]),
  };
}

/** Starts one server of `kind`, waits for its first SERVING answer, kills it; the ms from spawn to that answer. */
async function startOnce(
  kind: StartupKind,
  options: StartupOptions,
  logLevel = 'info',
): Promise<{ ms: number; stdout: string }> {
  const { fixtures } = options;
  const port = await freePort();
  const [script, env] =
    kind === 'rampart' || kind === 'rampart-bundle'
      ? [kind === 'rampart' ? INVENTORY_MAIN : (options.bundleMain ?? INVENTORY_MAIN), inventoryEnv(fixtures, port, logLevel)]
      : [STARTUP_SCRIPT, { [STARTUP_ENV]: JSON.stringify({ kind, port, fixtures } satisfies StartupServerConfig) }];
  const childEnv: Record<string, string | undefined> = { ...process.env, NODE_ENV: 'production', ...env };
  delete childEnv.RAMPART_CONFIG; // the app's config is the environment above, not a file someone left in the shell
  const [command, args] = nodeCommand(options.node.path, [script], options.pin ? SERVER_CORE : undefined);
  let stdout = '';
  let stderr = '';
  let exited: string | undefined;
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-64_000)));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const gone = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = `code ${code}, signal ${signal}: ${stderr.trim() || stdout.trim().slice(-2_000)}`;
      resolve();
    }),
  );
  try {
    const tls = { caPem: readFileSync(fixtures.caFile, 'utf8'), certPem: readFileSync(fixtures.clientCertFile, 'utf8'), keyPem: readFileSync(fixtures.clientKeyFile, 'utf8') };
    const serving = await waitUntilServing({ port, tls }, TIMEOUT_MS, () => exited);
    return { ms: serving - started, stdout };
  } finally {
    if (exited === undefined) child.kill('SIGKILL');
    await gone;
  }
}

/**
 * Times the start-up of bare grpc-js, the Rampart sample app (as built, and bundled by `scripts/bundle-app.mjs`) and
 * NestJS, `runs` times each in rotating order after one unmeasured start of each (disk cache), then starts the Rampart
 * app, and its bundle, once more at log level debug for their own breakdown by phase.
 */
export async function runStartup(startup: StartupOptions): Promise<StartupResults> {
  // The bundle is made from the built app, unmeasured, into a folder of its own (no node_modules beside it).
  const bundleDir = mkdtempSync(join(tmpdir(), 'rampart-bench-bundle-'));
  try {
    execFileSync(process.execPath, [BUNDLE_SCRIPT, join(dirname(INVENTORY_MAIN), '..'), '--out', bundleDir], { stdio: 'pipe' });
    return await timeStarts({ ...startup, bundleMain: join(bundleDir, 'main.mjs') });
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

async function timeStarts(options: StartupOptions): Promise<StartupResults> {
  const runs = new Map<StartupKind, number[]>(STARTUP_KINDS.map((k) => [k, []]));
  for (const kind of STARTUP_KINDS) await startOnce(kind, options);
  for (let r = 0; r < options.runs; r++) {
    for (let i = 0; i < STARTUP_KINDS.length; i++) {
      const kind = STARTUP_KINDS[(i + r) % STARTUP_KINDS.length] as StartupKind;
      const { ms } = await startOnce(kind, options);
      runs.get(kind)?.push(ms);
      options.log(`start-up ${r + 1}/${options.runs} ${kind.padEnd(14)} ${ms.toFixed(1).padStart(7)} ms`);
    }
  }
  const phases = phasesFromLog((await startOnce('rampart', options, 'debug')).stdout);
  if (phases === null) options.log('start-up: the Rampart app printed no "start-up phases" line at debug level');
  const bundlePhases = phasesFromLog((await startOnce('rampart-bundle', options, 'debug')).stdout);
  return summarizeStartup(runs, { node: options.node.version, runs: options.runs, pinned: options.pin }, phases, bundlePhases);
}
