/**
 * `node dist/profile-summary.js <file.cpuprofile> [top] [windows.json scenario]`: what a V8 CPU profile (from
 * `pnpm bench --profile`) spent its time on: self time by package, by function, and inclusive time by function;
 * with `results/profiles/windows.json` and a scenario name, only the samples inside that scenario's measured windows.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Time ranges [start, end] in µs on the profile's clock (the server's measured windows). */
export type Windows = readonly (readonly [number, number])[];

/** Where a script lives: a workspace package, an npm package, Node itself, or V8. */
export function packageOf(url: string): string {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return 'node';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1] as string;
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (plain) return plain[1] as string;
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (workspace) return `@rampart/${workspace[2]}`;
  return url;
}

const nameOf = (n: ProfileNode): string => {
  const file = n.callFrame.url.split('/').slice(-2).join('/');
  return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
};

/** Self and inclusive milliseconds by function, and self by package, of a profile. */
export function summarize(
  profile: Profile,
  windows?: Windows,
): {
  totalMs: number;
  self: [string, number][];
  inclusive: [string, number][];
  packages: [string, number][];
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const sampleCount = profile.samples.length || 1;
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / sampleCount;
  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map<number, number>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (windows && !windows.some(([from, to]) => t >= from && t <= to)) return;
    hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  let busySamples = 0;
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    busySamples += count;
    const ms = count * msPerSample;
    self.set(nameOf(node), (self.get(nameOf(node)) ?? 0) + ms);
    const pkg = packageOf(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = nameOf(byId.get(at) as ProfileNode);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: busySamples * msPerSample, self: sorted(self), inclusive: sorted(inclusive), packages: sorted(packages) };
}

if (process.argv[1]?.endsWith('profile-summary.js')) {
  const [file, topArg, windowsFile, scenario] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/profile-summary.js <file.cpuprofile> [top] [windows.json scenario]');
    process.exit(2);
  }
  const top = Number(topArg ?? 25);
  const windows =
    windowsFile && scenario ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as Record<string, Windows>)[scenario] : undefined;
  const { totalMs, self, inclusive, packages } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, windows);
  const pct = (ms: number): string => `${((ms / totalMs) * 100).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${totalMs.toFixed(0)} ms busy (idle left out; percentages of busy time)`);
  console.log('\nself time by package:');
  for (const [name, ms] of packages.slice(0, 15)) console.log(`${pct(ms)}  ${name}`);
  console.log('\nself time by function:');
  for (const [name, ms] of self.slice(0, top)) console.log(`${pct(ms)}  ${name}`);
  console.log('\ninclusive time by function:');
  for (const [name, ms] of inclusive.slice(0, top)) console.log(`${pct(ms)}  ${name}`);
}
