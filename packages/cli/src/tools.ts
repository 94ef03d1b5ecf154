import { existsSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { readPackageJson } from './workspace.js';

/**
 * How to run pnpm: the pnpm that started the CLI (`npm_execpath`, set by `pnpm rampart …`), else the version the
 * workspace pins in `packageManager`, through npx.
 *
 * @example
 * ```ts
 * const [command, ...args] = pnpmCommand(io.env, root); // e.g. [process.execPath, '/…/pnpm.cjs']
 * ```
 */
export function pnpmCommand(env: Readonly<Record<string, string | undefined>>, root: string): [string, ...string[]] {
  const execPath = env['npm_execpath'];
  if (execPath !== undefined && /pnpm/.test(basename(execPath))) {
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, execPath] : [execPath];
  }
  const pinned = (readPackageJson(root) as { packageManager?: string } | undefined)?.packageManager;
  return ['npx', '--yes', pinned?.startsWith('pnpm@') ? pinned.split('+')[0] as string : 'pnpm'];
}

/**
 * The workspace's turbo binary, when installed.
 *
 * @example
 * ```ts
 * turboBinary('/srv/my-repo'); // '/srv/my-repo/node_modules/.bin/turbo'
 * ```
 */
export function turboBinary(root: string): string | undefined {
  const path = join(root, 'node_modules', '.bin', 'turbo');
  return existsSync(path) ? path : undefined;
}

/**
 * Whether turbo can run here: it needs the package manager's binary (`pnpm`) on `PATH`, which `pnpm rampart …`
 * provides and a plain `node …/rampart.js` may not.
 *
 * @example
 * ```ts
 * if (!canRunTurbo(io.env)) io.err('build it with pnpm turbo run build');
 * ```
 */
export function canRunTurbo(env: Readonly<Record<string, string | undefined>>): boolean {
  const path = env['PATH'] ?? process.env['PATH'] ?? '';
  return path.split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'pnpm')));
}
