// Reproduces the GC regime change behind docs/benchmarks.md "Two GC regimes", without HTTP/2 or grpc-js:
// a long-lived Map with steady add/delete churn of per-call objects, 32 of them live at a time, as an HTTP/2
// session's stream table has. Before the first major GC each scavenge promotes almost nothing; after it, nearly
// everything allocated since the previous scavenge. The same loop over an array slot ring does not change.
//
//   node apps/bench/tools/table-churn-gc.mjs          # runs both under --trace-gc-nvp and summarizes
//
// Node 20.20 / V8 11.3. `child map|array` is the workload itself.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.argv[2] !== 'child') {
  for (const kind of ['map', 'array']) {
    const out = execFileSync(process.execPath, ['--trace-gc-nvp', fileURLToPath(import.meta.url), 'child', kind], { encoding: 'utf8' });
    const gcs = [...out.matchAll(/ gc=(\w+) .*? promoted=(\d+)/g)].map((m) => ({ kind: m[1], promoted: Number(m[2]) }));
    const firstMajor = gcs.findIndex((g) => g.kind !== 's');
    const mean = (list) => (list.length === 0 ? 0 : list.reduce((sum, g) => sum + g.promoted, 0) / list.length / 1024);
    const scavenges = (list) => list.filter((g) => g.kind === 's');
    const before = scavenges(firstMajor < 0 ? gcs : gcs.slice(0, firstMajor));
    const after = firstMajor < 0 ? [] : scavenges(gcs.slice(firstMajor + 1));
    console.log(
      `${kind.padEnd(5)} promoted per scavenge: ${mean(before).toFixed(0)} KB before the first major GC (${before.length} scavenges), ` +
        `${mean(after).toFixed(0)} KB after it (${after.length} scavenges)`,
    );
  }
  process.exit(0);
}

const kind = process.argv[3] === 'array' ? 'array' : 'map';
const table = new Map();
const ring = new Array(64).fill(undefined);
const live = [];
let id = 0;

/** ~1.5 KB of objects per call, referenced from the table while the call is live. */
const perCall = () => ({ parts: Array.from({ length: 40 }, (_, i) => ({ i })), text: `${'x'.repeat(100)}${id}` });

const until = Date.now() + 3000;
function tick() {
  for (let i = 0; i < 64; i++) {
    const key = id++;
    if (kind === 'map') table.set(key, perCall());
    else ring[key & 63] = perCall();
    live.push(key);
    if (live.length > 32) {
      const done = live.shift();
      if (kind === 'map') table.delete(done);
      else ring[done & 63] = undefined;
    }
  }
  if (Date.now() < until) setImmediate(tick);
}
tick();
