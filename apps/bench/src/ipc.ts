/** The messages the bench's processes exchange over Node's IPC channel. */
import type { ClientKind } from './load/transport.js';

/** What a server process is. */
export type ServerKind =
  | 'grpc-plaintext'
  | 'grpc-mtls'
  | 'grpc-mtls-interceptor'
  | 'grpc-mtls-options'
  | 'grpc-mtls-jose'
  | 'grpc-mtls-beside-rampart'
  | 'rampart-mtls-bare-handler'
  | 'rampart-auth-async-stream'
  | 'rampart-mtls' | 'rampart-auth' | 'nest-jwt' | 'jose-baseline';

/** Files and values every process reads (written once by the orchestrator into a temporary folder). */
export interface Fixtures {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** The issuer's public keys (JWKS). */
  readonly jwksFile: string;
  /** One certificate-bound token with the bench scope: the warm path. */
  readonly warmToken: string;
  /** Distinct certificate-bound tokens, one a line: more than the verified-token cache holds, so each use is a miss. */
  readonly coldTokensFile: string;
  readonly issuer: string;
  readonly audience: string;
  readonly scope: string;
}

/** Environment variable carrying a child's JSON configuration. */
export const SERVER_ENV = 'RAMPART_BENCH_SERVER';
export const LOAD_ENV = 'RAMPART_BENCH_LOAD';

export interface ServerConfig {
  readonly kind: ServerKind;
  readonly fixtures: Fixtures;
}

/** The server's figures over one measured window. */
export interface ServerWindow {
  /** CPU time of the whole process (all threads), user + system, in µs. */
  readonly cpuUs: number;
  /** Calls (unary) or messages (streams) the handlers served in the window. */
  readonly units: number;
  readonly wallMs: number;
  /** Peak resident set size of the process so far, MB. */
  readonly maxRssMb: number;
  /** The window on the monotonic clock V8's CPU profiles use (µs), to cut profiles to the windows. */
  readonly startUs: number;
  readonly endUs: number;
  /** Garbage-collection pauses in the window (V8's `gc` performance entries): their sum, the longest, how many. */
  readonly gcMs: number;
  readonly gcMaxMs: number;
  readonly gcCount: number;
  /** Of `gcMs`: minor GCs (scavenges) and major ones (mark-compact and its incremental steps). */
  readonly gcMinorMs: number;
  readonly gcMajorMs: number;
  /**
   * The server's V8 heap in use right after it started, after two forced GCs, MB (NaN without `--expose-gc`): what
   * it loaded and built before serving anything. Deterministic to a few kB, unlike the figures under load, so a
   * module that should not be there shows at once (and it lengthens every major GC).
   */
  readonly heapAfterStartMb: number;
}

export type ToServer =
  | { readonly type: 'start' }
  | { readonly type: 'stop' }
  | { readonly type: 'rss' }
  /** A full (major) garbage collection now, under load: see `Settings.settleGc`. */
  | { readonly type: 'major-gc' }
  | {
      readonly type: 'jose';
      readonly durationMs: number;
      readonly concurrency: number;
      /** `jose`: raw `jwtVerify`; `rampart`: Rampart's `TokenVerifier` (cache on, every token a miss). */
      readonly verifier: 'jose' | 'rampart';
    }
  | { readonly type: 'exit' };

export type FromServer =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'started' }
  | ({ readonly type: 'window' } & ServerWindow)
  | { readonly type: 'rss'; readonly rssMb: number; readonly heapUsedMb: number }
  | { readonly type: 'major-gc'; readonly ms: number }
  | { readonly type: 'jose'; readonly verifies: number; readonly cpuUs: number; readonly wallMs: number; readonly errors: number }
  | { readonly type: 'error'; readonly message: string };

/** What a generator process does. */
export interface LoadConfig {
  readonly port: number;
  /** `lite`: the hand-written HTTP/2 client (default); `node-http2`: Node's `http2` client. */
  readonly client: ClientKind;
  /** Present the client certificate over TLS; `false`: plaintext h2c. */
  readonly tls: boolean;
  readonly fixtures: Fixtures;
  readonly method: 'unary' | 'stream';
  /** `none`: no token; `warm`: the same token every call; `cold`: the next token of the pool every call. */
  readonly tokens: 'none' | 'warm' | 'cold';
  readonly concurrency: number;
  readonly connections: number;
  /** Messages per server stream. */
  readonly streamMessages: number;
}

/** The generator's figures over one measured window. */
export interface LoadWindow {
  /** Completed calls (unary) or received messages (streams) in the window. */
  readonly units: number;
  readonly wallMs: number;
  /** Latency of each call (unary) or whole stream, completed in the window. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The generator's own CPU time over the window, µs. */
  readonly cpuUs: number;
}

/**
 * A generator stays up for the whole run with its connections open: `run` starts the closed loop, `measure` opens
 * a window, `stop` closes it, pauses the loop (in-flight calls complete) and reports; `count` makes exactly that
 * many calls and reports `done`; `exit` closes the connections.
 */
export type ToLoad =
  /** `concurrency`: calls in flight from now on (default: the configured number). */
  | { readonly type: 'run'; readonly concurrency?: number }
  | { readonly type: 'measure' }
  | { readonly type: 'stop' }
  | { readonly type: 'count'; readonly calls: number }
  | { readonly type: 'exit' };

export type FromLoad =
  | { readonly type: 'ready' }
  | { readonly type: 'running' }
  /** `errors`: failed calls since the previous report (warm-up included). */
  | ({ readonly type: 'result'; readonly errors: number; readonly firstError: string | undefined } & LoadWindow)
  | { readonly type: 'done'; readonly calls: number; readonly errors: number; readonly firstError: string | undefined }
  | { readonly type: 'error'; readonly message: string };
