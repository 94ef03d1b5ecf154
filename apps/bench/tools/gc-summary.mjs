// Summarizes V8 `--trace-gc-nvp` output from a bench server (pnpm bench --server-output <dir>
// --server-node-args=--trace-gc-nvp): scavenges and major GCs, bytes promoted and pause per scavenge, and the share of
// what the program allocated that survived a scavenge (copied or promoted) and that was promoted, over the last two
// thirds of the run (start-up and the first warm-up left out). The shares compare servers whose calls allocate
// different amounts; ADR 0056 used them to find Node 24's allocation-site pretenuring.
//
//   node apps/bench/tools/gc-summary.mjs /tmp/gc/rampart-auth-warm-*.log
import { readFileSync } from 'node:fs';

for (const file of process.argv.slice(2)) {
  const gcs = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const kind = / gc=(\w+) /.exec(line)?.[1];
    if (kind === undefined) continue;
    const field = (name) => Number(new RegExp(` ${name}=([\\d.]+)`).exec(line)?.[1] ?? Number.NaN);
    gcs.push({ kind, pause: field('pause'), promoted: field('promoted'), allocated: field('allocated'), survived: field('new_space_survived') });
  }
  const steady = gcs.slice(Math.floor(gcs.length / 3));
  const scavenges = steady.filter((g) => g.kind === 's');
  const mean = (list, key) => list.reduce((sum, g) => sum + g[key], 0) / Math.max(list.length, 1);
  const share = (key) => `${((100 * mean(scavenges, key)) / mean(scavenges, 'allocated')).toFixed(1)} %`;
  console.log(
    `${file}: ${scavenges.length} scavenges, ${steady.length - scavenges.length} major GCs in the steady part; per scavenge ` +
      `${(mean(scavenges, 'promoted') / 1024).toFixed(0)} KB promoted of ${(mean(scavenges, 'allocated') / 2 ** 20).toFixed(1)} MB allocated, ` +
      `${mean(scavenges, 'pause').toFixed(2)} ms pause; of what was allocated, ${share('survived')} survived a scavenge and ` +
      `${share('promoted')} was promoted`,
  );
}
