import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const repo = join(here, '..', '..');
const attw = join(here, 'node_modules', '.bin', 'attw');

/** The workspace packages that are published: every packages/* without `private: true`. */
const publishable = readdirSync(join(repo, 'packages'))
  .filter((name) => existsSync(join(repo, 'packages', name, 'package.json')))
  .filter((name) => (JSON.parse(readFileSync(join(repo, 'packages', name, 'package.json'), 'utf8')) as { private?: boolean }).private !== true)
  .sort();

interface Packed { name: string; tarball: string; root: string }
const work = mkdtempSync(join(tmpdir(), 'release-check-'));
const packed = new Map<string, Packed>();

const exec = promisify(execFile);
/** The longest one command may take (a pack, an install, the scaffold's tests): a hang fails naming the command. */
const COMMAND_TIMEOUT_MS = 180_000;

/**
 * pnpm, run the way the test itself was (pnpm sets npm_execpath for the scripts it runs), so packing does not go
 * through npx once per package; `npx pnpm@<pinned>` when the test runs outside pnpm.
 */
const pnpm: [string, string[]] = process.env.npm_execpath?.includes('pnpm') === true
  ? [process.execPath, [process.env.npm_execpath]]
  : ['npx', ['--yes', 'pnpm@10.34.9']];

/** Runs a command without blocking the test worker; rejects with its output when it exits non-zero. */
async function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: COMMAND_TIMEOUT_MS });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, output: `${cmd} ${args.join(' ')}: ${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

async function mustRun(cmd: string, args: string[], cwd: string): Promise<void> {
  const { code, output } = await run(cmd, args, cwd);
  if (code !== 0) throw new Error(`exited ${code} in ${cwd}: ${output}`);
}

/** Packs one package into its own folder and unpacks the tarball there. */
async function pack(name: string): Promise<Packed> {
  const dest = join(work, name);
  mkdirSync(dest);
  // `pnpm pack` (not npm pack): it rewrites workspace:* ranges to real versions, as `changeset publish` does.
  await mustRun(pnpm[0], [...pnpm[1], 'pack', '--pack-destination', dest], join(repo, 'packages', name));
  const tarball = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for packages/${name}`);
  await mustRun('tar', ['xzf', tarball], dest);
  return { name, tarball: join(dest, tarball), root: join(dest, 'package') };
}

/** Every file under `dir`, as paths relative to it. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? walk(full).map((f) => join(entry.name, f)) : [entry.name];
  });
}

beforeAll(async () => {
  const queue = [...publishable];
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) packed.set(name, await pack(name));
  };
  await Promise.all([worker(), worker(), worker()]);
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(publishable)('the packed tarball of packages/%s', (name) => {
  const get = (): Packed => {
    const p = packed.get(name);
    if (p === undefined) throw new Error(`packages/${name} was not packed`);
    return p;
  };

  it('passes publint (strict, suggestions included)', async () => {
    const { root } = get();
    const { messages, pkg } = await publint({ pkgDir: root, level: 'suggestion', strict: true });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  });

  it('passes attw with the esm-only profile', async () => {
    const { code, output } = await run(attw, ['--profile', 'esm-only', '--format', 'ascii', get().tarball], work);
    expect(code, output).toBe(0);
  }, 60_000);

  it('has a README and a LICENSE, and no workspace: ranges left in its package.json', () => {
    const { root } = get();
    expect(existsSync(join(root, 'README.md'))).toBe(true);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/configuration\.md/);
    expect(existsSync(join(root, 'LICENSE'))).toBe(true);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).not.toContain('workspace:');
  });

  it('has declaration and source maps whose sources are src files inside the tarball', () => {
    const { root } = get();
    const maps = walk(root).filter((f) => f.endsWith('.js.map') || f.endsWith('.d.ts.map'));
    expect(maps.some((f) => f.endsWith('.d.ts.map'))).toBe(true);
    expect(maps.some((f) => f.endsWith('.js.map'))).toBe(true);
    const broken: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of sources) {
        const target = resolve(root, dirname(map), sourceRoot ?? '', source);
        const inside = relative(root, target);
        if (inside.startsWith('..') || !inside.startsWith(`src${sep}`) || !existsSync(target)) broken.push(`${map} -> ${source}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('a --standalone service scaffolded by the packed CLI', () => {
  it('installs from the tarballs only, and its own typecheck and tests pass', async () => {
    const tarballs = Object.fromEntries(
      [...packed.values()].map((p) => [JSON.parse(readFileSync(join(p.root, 'package.json'), 'utf8')).name as string, `file:${p.tarball}`]),
    );
    const dir = join(work, 'standalone');
    mkdirSync(dir);
    // The workspace's CLI writes the project (an unpacked tarball has no node_modules); the service then uses the
    // packed one (rampart-codegen) like every other @rampart package.
    await mustRun(process.execPath, [join(repo, 'packages', 'cli', 'bin', 'rampart.js'), 'new', 'service', 'orders', '--standalone', 'orders', '--no-install'], dir);
    const app = join(dir, 'orders');
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const section of ['dependencies', 'devDependencies']) {
      for (const dep of Object.keys(pkg[section] ?? {})) if (dep.startsWith('@rampart/')) (pkg[section] as Record<string, string>)[dep] = String(tarballs[dep]);
    }
    // Transitive @rampart/* dependencies come from the tarballs too, never from the registry or the workspace.
    pkg.pnpm = { overrides: tarballs } as unknown as Record<string, string>;
    writeFileSync(join(app, 'package.json'), JSON.stringify(pkg, null, 2));
    await mustRun(pnpm[0], [...pnpm[1], 'install', '--prefer-offline', '--ignore-workspace'], app);
    const installed = readdirSync(join(app, 'node_modules', '.pnpm')).filter((d) => d.startsWith('@rampart+'));
    expect(installed.length).toBeGreaterThanOrEqual(6);
    expect(installed.filter((d) => !d.includes('.tgz'))).toEqual([]);
    await mustRun('npm', ['run', 'typecheck'], app);
    const test = await run('npm', ['test'], app);
    expect(test.code, test.output).toBe(0);
    expect(test.output).toMatch(/\d+ passed/);
  }, 480_000);
});
