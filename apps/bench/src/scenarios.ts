import type { LoadConfig, ServerKind } from './ipc.js';
import type { ClientKind } from './load/transport.js';

/** The scenarios, in report order. */
export const SCENARIO_NAMES = [
  'grpc-plaintext',
  'grpc-mtls',
  'grpc-mtls-again',
  'grpc-mtls-interceptor',
  'grpc-mtls-options',
  'grpc-mtls-token',
  'rampart-mtls',
  'rampart-auth-warm',
  'rampart-auth-cold',
  'grpc-mtls-jose',
  'grpc-mtls-beside-rampart',
  'rampart-mtls-bare-handler',
  'nest-jwt',
  'stream-grpc-mtls',
  'stream-rampart-auth',
  'stream-rampart-auth-async',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/**
 * Scenarios a quick run leaves out unless `--only` names them: the A/A control is read against the per-round spread of
 * a full run, and it keeps `pnpm bench --quick` under a minute.
 */
export const FULL_RUN_ONLY: ReadonlySet<ScenarioName> = new Set(['grpc-mtls-again', 'grpc-mtls-options', 'grpc-mtls-beside-rampart', 'rampart-mtls-bare-handler']);

/** One scenario: a server process of some kind and the load thrown at it. */
export interface Scenario {
  readonly name: ScenarioName;
  /** Short label for tables and the chart. */
  readonly label: string;
  readonly description: string;
  readonly server: ServerKind;
  readonly tls: boolean;
  readonly method: LoadConfig['method'];
  readonly tokens: LoadConfig['tokens'];
  /** What `rps` counts: unary calls, or messages of server streams. */
  readonly unit: 'calls' | 'messages';
}

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  'grpc-plaintext': {
    name: 'grpc-plaintext',
    label: 'grpc-js plaintext',
    description: 'bare grpc-js, h2c without TLS, no auth: the floor',
    server: 'grpc-plaintext',
    tls: false,
    method: 'unary',
    tokens: 'none',
    unit: 'calls',
  },
  'grpc-mtls': {
    name: 'grpc-mtls',
    label: 'grpc-js mTLS',
    description: 'bare grpc-js, mutual TLS required at the port (createSsl(..., true)), no token: the ceiling for a grpc-js framework',
    server: 'grpc-mtls',
    tls: true,
    method: 'unary',
    tokens: 'none',
    unit: 'calls',
  },
  'grpc-mtls-again': {
    name: 'grpc-mtls-again',
    label: 'grpc-js mTLS, again (A/A)',
    description:
      'the grpc-mtls server once more, in a process of its own: an A/A control, so each run shows how far two identical servers differ on this machine (the noise any ratio carries)',
    server: 'grpc-mtls',
    tls: true,
    method: 'unary',
    tokens: 'none',
    unit: 'calls',
  },
  'grpc-mtls-interceptor': {
    name: 'grpc-mtls-interceptor',
    label: 'grpc-js mTLS + interceptor',
    description:
      'bare grpc-js over mutual TLS with one pass-through server interceptor: the per-call layer grpc-js adds for any framework that holds a call until it decides',
    server: 'grpc-mtls-interceptor',
    tls: true,
    method: 'unary',
    tokens: 'none',
    unit: 'calls',
  },
  'grpc-mtls-options': {
    name: 'grpc-mtls-options',
    label: "grpc-js mTLS, Rampart's options",
    description:
      "bare grpc-js over mutual TLS with the grpc-js server options a Rampart app sets by default (keepalive, connection age and grace, idle timeout, concurrent streams, session memory, message sizes): what those options cost per call, apart from Rampart's own code",
    server: 'grpc-mtls-options',
    tls: true,
    method: 'unary',
    tokens: 'none',
    unit: 'calls',
  },
  'grpc-mtls-token': {
    name: 'grpc-mtls-token',
    label: 'grpc-js mTLS + token header',
    description:
      'bare grpc-js over mutual TLS receiving the warm scenario\'s authorization header on every call and ignoring it: what carrying a ~700-byte token costs before anyone verifies it',
    server: 'grpc-mtls',
    tls: true,
    method: 'unary',
    tokens: 'warm',
    unit: 'calls',
  },
  'grpc-mtls-beside-rampart': {
    name: 'grpc-mtls-beside-rampart',
    label: 'grpc-js mTLS beside a Rampart app',
    description: 'bare grpc-js in a process that also runs a full-auth Rampart app (not called)',
    server: 'grpc-mtls-beside-rampart',
    tls: true,
    method: 'unary',
    tokens: 'none',
    unit: 'calls',
  },
  'rampart-mtls-bare-handler': {
    name: 'rampart-mtls-bare-handler',
    label: 'Rampart app, bare handler',
    description: 'the Rampart @RequireMtls app with its grpc-js echo handler swapped for the bare one',
    server: 'rampart-mtls-bare-handler',
    tls: true,
    method: 'unary',
    tokens: 'none',
    unit: 'calls',
  },
  'rampart-mtls': {
    name: 'rampart-mtls',
    label: 'Rampart @RequireMtls',
    description: 'Rampart with @RequireMtls() only: peer identity (cached per connection) and the mTLS rule, audit, context, telemetry',
    server: 'rampart-mtls',
    tls: true,
    method: 'unary',
    tokens: 'none',
    unit: 'calls',
  },
  'rampart-auth-warm': {
    name: 'rampart-auth-warm',
    label: 'Rampart mTLS+JWT (warm)',
    description:
      'Rampart default path: @RequireMtls + @Authenticated({ scopes, boundToCertificate }), the same ES256 token every call (verified-token cache hit), binding and scope checked every call',
    server: 'rampart-auth',
    tls: true,
    method: 'unary',
    tokens: 'warm',
    unit: 'calls',
  },
  'rampart-auth-cold': {
    name: 'rampart-auth-cold',
    label: 'Rampart mTLS+JWT (cold)',
    description:
      'as warm, but every call brings a token the server has not cached (a pool larger than the cache, cycled): full jose verification per call',
    server: 'rampart-auth',
    tls: true,
    method: 'unary',
    tokens: 'cold',
    unit: 'calls',
  },
  'grpc-mtls-jose': {
    name: 'grpc-mtls-jose',
    label: 'grpc-js mTLS + jose per call',
    description:
      'bare grpc-js over mutual TLS, the handler verifying each call\'s token with jose jwtVerify (key imported once, same claim checks, no cache), fed the cold scenario\'s tokens: what jose itself costs per call in a server',
    server: 'grpc-mtls-jose',
    tls: true,
    method: 'unary',
    tokens: 'cold',
    unit: 'calls',
  },
  'nest-jwt': {
    name: 'nest-jwt',
    label: 'NestJS mTLS+JWT guard',
    description:
      'NestJS 11 gRPC microservice (grpc-js), mutual TLS at the port, a guard calling jose jwtVerify per call (no cache, no binding check) and checking the scope',
    server: 'nest-jwt',
    tls: true,
    method: 'unary',
    tokens: 'warm',
    unit: 'calls',
  },
  'stream-grpc-mtls': {
    name: 'stream-grpc-mtls',
    label: 'stream: grpc-js mTLS',
    description: 'server streaming, bare grpc-js over mutual TLS, write() with drain: messages per second',
    server: 'grpc-mtls',
    tls: true,
    method: 'stream',
    tokens: 'none',
    unit: 'messages',
  },
  'stream-rampart-auth': {
    name: 'stream-rampart-auth',
    label: 'stream: Rampart mTLS+JWT',
    description:
      'server streaming through Rampart with full auth (checked once, at stream start), a synchronous generator handler (as the bare handler is a plain loop): messages per second',
    server: 'rampart-auth',
    tls: true,
    method: 'stream',
    tokens: 'warm',
    unit: 'messages',
  },
  'stream-rampart-auth-async': {
    name: 'stream-rampart-auth-async',
    label: 'stream: Rampart mTLS+JWT, async gen.',
    description:
      'as stream-rampart-auth with an async generator handler (the general form, for handlers that await between messages): a promise per message',
    server: 'rampart-auth-async-stream',
    tls: true,
    method: 'stream',
    tokens: 'warm',
    unit: 'messages',
  },
};

/** How long and how hard a run is. */
export interface Settings {
  readonly mode: 'quick' | 'full';
  /** The load generator's HTTP/2 client. */
  readonly client: ClientKind;
  readonly rounds: number;
  /** Times every server and generator process is started afresh; the rounds are split between them. */
  readonly epochs: number;
  /** Unmeasured pass over every scenario before round 1 (JIT warm-up). */
  readonly initialWarmupMs: number;
  /** Warm-up before each measured window (the loop was paused while other scenarios ran). */
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly concurrency: number;
  readonly connections: number;
  readonly streamConcurrency: number;
  readonly streamMessages: number;
  /** Distinct tokens for the cold scenario: more than the verified-token cache's 10 000 entries. */
  readonly coldTokens: number;
  /** How long the raw jose measurement runs per round. */
  readonly joseMs: number;
  /** Memory check: RSS after `memorySmall` calls and after `memoryLarge` calls (0: skipped). */
  readonly memorySmall: number;
  readonly memoryLarge: number;
  /** Timed starts per server of the start-up measurement (0: skipped). */
  readonly startupRuns: number;
  /** Extra Node/V8 flags for every server process alike (e.g. `--max-semi-space-size=64`); none by default. */
  readonly serverNodeArgs: readonly string[];
  /**
   * Force one major GC in the server, under load, in the warm-up of every measured window, so that every server is
   * measured in the state a long-running server is in. A grpc-js server under sustained load changes regime at its
   * first major GC: from then on each scavenge promotes ~2 MB of per-call objects instead of ~50 KB and the server
   * spends ~18 % instead of ~3 % of its time in GC pauses (docs/benchmarks.md, "Two GC regimes"). Without this, a
   * server with a small heap (bare grpc-js) is often measured before its first major GC and one with a larger heap
   * (Rampart, NestJS) after it. It runs first thing in the warm-up: the GC deoptimizes a few dozen hot functions in
   * every server (`--trace-deopt`: "weak objects"), which are optimized again before the window (full runs: 1 s;
   * with the GC in the middle of a 0.5 s warm-up, `--trace-opt` showed 12-56 re-optimizations inside each measured
   * window). `--no-settle-gc` turns it off.
   */
  readonly settleGc: boolean;
}

export const FULL: Settings = {
  mode: 'full',
  client: 'lite',
  rounds: 8,
  epochs: 2,
  initialWarmupMs: 2_000,
  warmupMs: 1_000,
  measureMs: 3_000,
  concurrency: 32,
  connections: 4,
  streamConcurrency: 8,
  streamMessages: 100,
  coldTokens: 12_000,
  joseMs: 1_000,
  memorySmall: 100_000,
  memoryLarge: 1_000_000,
  startupRuns: 10,
  serverNodeArgs: [],
  settleGc: true,
};

export const QUICK: Settings = {
  ...FULL,
  mode: 'quick',
  rounds: 3,
  epochs: 1,
  initialWarmupMs: 250,
  warmupMs: 200,
  measureMs: 700,
  joseMs: 300,
  memorySmall: 20_000,
  memoryLarge: 60_000,
  startupRuns: 5,
};

/**
 * What `pnpm bench --matrix` runs on every Node version: the scenarios of issue 23's targets (bare grpc-js mTLS, the
 * baseline; Rampart @RequireMtls and full auth warm; cold verification against raw jose in a server; streaming;
 * NestJS), and the start-up measurement.
 */
export const MATRIX_SCENARIOS: readonly ScenarioName[] = [
  'grpc-mtls',
  'rampart-mtls',
  'rampart-auth-warm',
  'rampart-auth-cold',
  'grpc-mtls-jose',
  'nest-jwt',
  'stream-grpc-mtls',
  'stream-rampart-auth',
];

/** The Node majors `--matrix` runs on, one after the other (the running Node for its own major). */
export const MATRIX_NODES: readonly number[] = [20, 22, 24];

/** `--only` may name it beside the scenarios: the start-up measurement. */
export const STARTUP_NAME = 'startup';
