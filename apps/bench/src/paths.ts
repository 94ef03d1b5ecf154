import { fileURLToPath } from 'node:url';

/** The bench's own `proto/` folder (from `src/` under vitest and from `dist/` when built). */
export const BENCH_PROTO_ROOT = fileURLToPath(new URL('../proto', import.meta.url));
/** The bench proto, relative to {@link BENCH_PROTO_ROOT}. */
export const BENCH_PROTO_FILE = 'rampart/bench/v1/bench.proto';
export const BENCH_SERVICE = 'rampart.bench.v1.BenchService';
export const ECHO_PATH = `/${BENCH_SERVICE}/Echo`;
export const STREAM_PATH = `/${BENCH_SERVICE}/Stream`;
/** Where results go: `apps/bench/results/`. */
export const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));
/** Compiled entry points of the child processes. */
export const SERVER_SCRIPT = fileURLToPath(new URL('./servers/server-main.js', import.meta.url));
export const LOAD_SCRIPT = fileURLToPath(new URL('./load/load-main.js', import.meta.url));
/** The entry point of the servers whose start-up is timed (bare grpc-js and NestJS). */
export const STARTUP_SCRIPT = fileURLToPath(new URL('./servers/startup-main.js', import.meta.url));
