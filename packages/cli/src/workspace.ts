import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './io.js';

/** The default SPIFFE trust domain of the dev PKI and of scaffolded services. */
export const DEFAULT_TRUST_DOMAIN = 'demo.rampart.dev';

/**
 * A package of the workspace: its folder and package.json.
 *
 * @example
 * ```ts
 * const { dir, name, scripts } = (await workspacePackages(root))[0]!;
 * ```
 */
export interface WorkspacePackage {
  readonly dir: string;
  readonly name: string;
  readonly scripts: Readonly<Record<string, string>>;
}

/**
 * The nearest folder at or above `from` that holds a `pnpm-workspace.yaml`, or undefined.
 *
 * @example
 * ```ts
 * findWorkspaceRoot(process.cwd()); // '/srv/my-repo'
 * ```
 */
export function findWorkspaceRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The workspace root for a command: `--root` when given (it must hold a `pnpm-workspace.yaml`), else the nearest one
 * above the current directory.
 *
 * @throws CliError when there is none.
 *
 * @example
 * ```ts
 * const root = requireWorkspaceRoot(io.cwd, values.root);
 * ```
 */
export function requireWorkspaceRoot(cwd: string, root?: string): string {
  const found = root !== undefined ? resolve(cwd, root) : findWorkspaceRoot(cwd);
  if (found === undefined || !existsSync(join(found, 'pnpm-workspace.yaml'))) {
    throw new CliError(
      root !== undefined
        ? `${found ?? root} is not a pnpm workspace (no pnpm-workspace.yaml)`
        : `not inside a pnpm workspace (no pnpm-workspace.yaml above ${cwd}): run this in the Rampart repository, or use --standalone <dir>`,
    );
  }
  return found;
}

/**
 * The `.rampart` folder of a project: git-ignored, holding the dev PKI and the dev issuer's files. For a workspace it
 * is at the root; outside one, in the current directory.
 *
 * @example
 * ```ts
 * runtimeDir('/srv/my-repo/apps/inventory'); // '/srv/my-repo/.rampart'
 * ```
 */
export function runtimeDir(cwd: string): string {
  return join(findWorkspaceRoot(cwd) ?? resolve(cwd), '.rampart');
}

/**
 * The packages of a workspace, from the `<folder>/*` and plain-folder patterns of its `pnpm-workspace.yaml`.
 *
 * @example
 * ```ts
 * workspacePackages('/srv/my-repo').map((p) => p.name); // ['@rampart/auth', ...]
 * ```
 */
export function workspacePackages(root: string): WorkspacePackage[] {
  const patterns = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
    .split('\n')
    .map((line) => /^\s*-\s*['"]?([^'"#\s]+)['"]?\s*$/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined && !p.startsWith('!'));
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    if (!existsSync(parent)) return [];
    return readdirSync(parent, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(parent, e.name));
  });
  return dirs.flatMap((dir) => {
    const pkg = readPackageJson(dir);
    return pkg ? [{ dir, name: pkg.name ?? dir, scripts: pkg.scripts ?? {} }] : [];
  });
}

/**
 * A folder's package.json, or undefined when it has none (or it is not JSON).
 *
 * @example
 * ```ts
 * readPackageJson('apps/inventory')?.name; // '@rampart/inventory'
 * ```
 */
export function readPackageJson(dir: string): { name?: string; version?: string; scripts?: Record<string, string> } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; scripts?: Record<string, string> };
  } catch {
    return undefined;
  }
}
