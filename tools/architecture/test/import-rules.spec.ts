import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The rules of dependency-cruiser.cjs tried on a small workspace of the same shape in a temporary folder: each
// violation is refused naming its rule, what the real repository does passes. (`pnpm lint` runs them on the repo.)

const here = dirname(fileURLToPath(import.meta.url));
const CONFIG = resolve(here, '../dependency-cruiser.cjs');
const DEPCRUISE = resolve(here, '../node_modules/.bin/depcruise');
const run = promisify(execFile);

let root: string;

/** Other dependency sections of a package.json. */
interface MoreDependencies { devDependencies?: Record<string, string>; peerDependencies?: Record<string, string> }

/** Writes a workspace package: its package.json, its sources, and its link in node_modules. */
async function pkg(folder: string, name: string, sources: Record<string, string>, dependencies: Record<string, string> = {}, more: MoreDependencies = {}) {
  await mkdir(join(root, folder, 'src'), { recursive: true });
  await writeFile(join(root, folder, 'package.json'), JSON.stringify({ name, type: 'module', exports: './src/index.ts', dependencies, ...more }));
  for (const [file, text] of Object.entries(sources)) await writeFile(join(root, folder, 'src', file), text);
  await mkdir(join(root, 'node_modules', dirname(name)), { recursive: true });
  await symlink(join(root, folder), join(root, 'node_modules', name), 'dir');
}

/** Writes an npm package into node_modules (a CommonJS module exporting 1). */
async function npmPackage(name: string) {
  await mkdir(join(root, 'node_modules', name), { recursive: true });
  await writeFile(join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  await writeFile(join(root, 'node_modules', name, 'index.js'), 'module.exports = 1;\n');
}

/** Runs the rules over the workspace: the rule names of the violations, [] when it passes. */
async function violations(): Promise<string[]> {
  const args = ['--config', CONFIG, '--ts-config', 'tsconfig.json', '--output-type', 'json', 'packages', 'apps'];
  const result = await run(DEPCRUISE, args, { cwd: root }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return report.summary.violations.map((v) => v.rule.name).sort();
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rampart-architecture-'));
  await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true } }));
  await pkg('packages/core', '@rampart/core', { 'index.ts': 'export const core = 1;\n' });
  await pkg('packages/config', '@rampart/config', { 'index.ts': "import { core } from '@rampart/core';\nexport const config = core;\n" }, { '@rampart/core': '*' });
  await pkg('apps/orders', '@rampart/orders', { 'index.ts': "import { core } from '@rampart/core';\nexport const orders = core;\n" }, { '@rampart/core': '*' });
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('the workspace import rules (dependency-cruiser)', () => {
  it('pass a package that imports a lower layer it declares, and an app that imports a package', async () => {
    expect(await violations()).toEqual([]);
  });

  it('refuse an import cycle', async () => {
    await writeFile(join(root, 'packages/core/src/a.ts'), "import { b } from './b.ts';\nexport const a = () => b;\n");
    await writeFile(join(root, 'packages/core/src/b.ts'), "import { a } from './a.ts';\nexport const b = () => a;\n");
    expect(await violations()).toEqual(['no-circular']);
  });

  it('refuse a package that imports a higher layer (core importing config)', async () => {
    await writeFile(join(root, 'packages/core/src/up.ts'), "import { config } from '@rampart/config';\nexport const up = config;\n");
    expect(await violations()).toEqual(['declared-workspace-dependencies', 'layer-0']);
    await writeFile(join(root, 'packages/core/package.json'), JSON.stringify({ name: '@rampart/core', type: 'module', exports: './src/index.ts', dependencies: { '@rampart/config': '*' } }));
    expect(await violations()).toEqual(['layer-0']);
  });

  it('refuse a package of layer 2 importing another of layer 2 (auth importing server)', async () => {
    await pkg('packages/server', '@rampart/server', { 'index.ts': 'export const server = 1;\n' });
    await pkg('packages/auth', '@rampart/auth', { 'index.ts': "import { server } from '@rampart/server';\nexport const auth = server;\n" }, { '@rampart/server': '*' });
    expect(await violations()).toEqual(['layer-2']);
  });

  it('refuse a package that imports a sample app', async () => {
    await pkg('packages/cli', '@rampart/cli', { 'index.ts': "import { orders } from '@rampart/orders';\nexport const cli = orders;\n" }, { '@rampart/orders': '*' });
    expect(await violations()).toEqual(['packages-not-apps']);
  });

  it('refuse an import of a package missing from package.json, and one that resolves to nothing', async () => {
    await mkdir(join(root, 'node_modules/left-pad'), { recursive: true });
    await writeFile(join(root, 'node_modules/left-pad/package.json'), JSON.stringify({ name: 'left-pad', main: 'index.js' }));
    await writeFile(join(root, 'node_modules/left-pad/index.js'), 'module.exports = 1;\n');
    await writeFile(join(root, 'packages/config/src/pad.ts'), "import pad from 'left-pad';\nimport './missing.ts';\nexport const p = pad;\n");
    expect(await violations()).toEqual(['declared-dependencies', 'resolvable']);
  });

  it('refuse a workspace package that a package imports but lists only in devDependencies, or not at all (server importing pki)', async () => {
    await pkg('packages/pki', '@rampart/pki', { 'index.ts': "import { core } from '@rampart/core';\nexport const pki = core;\n" }, { '@rampart/core': '*' });
    const imports = "import { pki } from '@rampart/pki';\nexport const server = pki;\n";
    await pkg('packages/server', '@rampart/server', { 'index.ts': imports }, { '@rampart/core': '*' }, { devDependencies: { '@rampart/pki': '*' } });
    expect(await violations()).toEqual(['declared-workspace-dependencies']);
    await writeFile(join(root, 'packages/server/package.json'), JSON.stringify({ name: '@rampart/server', type: 'module', exports: './src/index.ts', dependencies: {} }));
    expect(await violations()).toEqual(['declared-workspace-dependencies']);
    await writeFile(join(root, 'packages/server/package.json'), JSON.stringify({ name: '@rampart/server', type: 'module', exports: './src/index.ts', dependencies: { '@rampart/pki': '*' } }));
    expect(await violations()).toEqual([]);
  });

  it('refuse inversify, reflect-metadata or @grpc/grpc-js as a dependency of a package: only as a peer (with the devDependency)', async () => {
    await Promise.all(['inversify', 'reflect-metadata', '@grpc/grpc-js'].map((name) => npmPackage(name)));
    const sources = { 'index.ts': "import 'reflect-metadata';\nimport inversify from 'inversify';\nimport grpc from '@grpc/grpc-js';\nexport const core = [inversify, grpc];\n" };
    const shared = { inversify: '*', 'reflect-metadata': '*', '@grpc/grpc-js': '*' };
    await writeFile(join(root, 'packages/core/package.json'), JSON.stringify({ name: '@rampart/core', type: 'module', exports: './src/index.ts', dependencies: shared }));
    await writeFile(join(root, 'packages/core/src/index.ts'), sources['index.ts']);
    expect(await violations()).toEqual(['shared-instance-peers', 'shared-instance-peers', 'shared-instance-peers']);
    const asPeer = { name: '@rampart/core', type: 'module', exports: './src/index.ts', peerDependencies: shared, devDependencies: shared };
    await writeFile(join(root, 'packages/core/package.json'), JSON.stringify(asPeer));
    expect(await violations()).toEqual([]);
    // an app is the user's side: it declares them as dependencies
    await writeFile(join(root, 'apps/orders/package.json'), JSON.stringify({ name: '@rampart/orders', type: 'module', exports: './src/index.ts', dependencies: { '@rampart/core': '*', ...shared } }));
    await writeFile(join(root, 'apps/orders/src/index.ts'), sources['index.ts']);
    expect(await violations()).toEqual([]);
  });
});
