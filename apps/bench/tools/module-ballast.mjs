// Loads Rampart's packages, unused, into the `grpc-mtls-interceptor` bench server (and no other), so that server
// carries the modules a Rampart server carries (inversify, pino, OpenTelemetry's API, convict, the health and
// reflection services, jose, lru-cache, Rampart's own code: its heap after start goes from ~8.3 to ~12.9 MB against
// Rampart's ~13.7 MB) while every call still takes bare grpc-js's path (plus a pass-through interceptor, which costs
// nothing measurable by itself). It separates what the heap costs from what Rampart's per-call code costs:
//
//   pnpm bench --no-memory --only grpc-mtls,grpc-mtls-interceptor,rampart-mtls \
//     --server-node-args=--import=./apps/bench/tools/module-ballast.mjs
//
// Run it from the repository root after a build (it imports the packages' dist).
const config = JSON.parse(process.env.RAMPART_BENCH_SERVER ?? '{}');
if (config.kind === 'grpc-mtls-interceptor') {
  const root = new URL('../../../', import.meta.url);
  for (const name of ['core', 'config', 'telemetry', 'pki', 'server', 'auth']) {
    await import(new URL(`packages/${name}/dist/index.js`, root).href);
  }
}
