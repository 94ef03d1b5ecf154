import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { planApp, type AppPlan, type CreateAppOptions } from '@rampart/server';
import { CliError, UsageError } from '../io.js';
import { findWorkspaceRoot } from '../workspace.js';

/**
 * The folder of the app `rampart routes` / `rampart generate` should work on: `--app <dir>` (anything with a slash, or
 * `.`), `--app <name>` (`apps/<name>` of the workspace), or, without `--app`, the app folder the current directory is in.
 *
 * @throws UsageError when no app is given or found; CliError for an app that does not exist (listing those that do).
 *
 * @example
 * ```ts
 * resolveAppDir('/srv/my-repo', 'inventory'); // '/srv/my-repo/apps/inventory'
 * ```
 */
export function resolveAppDir(cwd: string, app: string | undefined, topic: string): string {
  const root = findWorkspaceRoot(cwd);
  if (app !== undefined && (app.includes('/') || app.startsWith('.'))) {
    const dir = resolve(cwd, app);
    if (!existsSync(join(dir, 'package.json'))) throw new CliError(`${app} is not an app folder (no package.json)`);
    return dir;
  }
  if (app !== undefined) {
    const dir = root !== undefined ? join(root, 'apps', app) : undefined;
    if (dir === undefined || !existsSync(join(dir, 'package.json'))) {
      throw new CliError(`no app ${JSON.stringify(app)}${root ? ` in ${join(root, 'apps')}` : ' (not in a workspace: use --app <dir>)'}; apps: ${listApps(root).join(', ') || 'none'}`);
    }
    return dir;
  }
  if (root !== undefined) {
    const rel = relative(join(root, 'apps'), resolve(cwd));
    const first = rel.split(sep)[0];
    if (first && !rel.startsWith('..')) return join(root, 'apps', first);
  }
  if (existsSync(join(cwd, 'src', 'app.ts'))) return resolve(cwd);
  throw new UsageError(`which app? give --app <name|dir>${root ? `; apps: ${listApps(root).join(', ')}` : ''}`, topic);
}

function listApps(root: string | undefined): string[] {
  if (root === undefined || !existsSync(join(root, 'apps'))) return [];
  return readdirSync(join(root, 'apps')).filter((name) => existsSync(join(root, 'apps', name, 'src', 'app.ts')));
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'generated') continue; // rewritten by every turbo task that runs generate, even when build is cached
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Whether an app's `dist/app.js` is missing or older than something in its `src/` (generated types aside).
 *
 * @example
 * ```ts
 * if (needsBuild(dir)) await build();
 * ```
 */
export function needsBuild(appDir: string): boolean {
  // tsc rewrites only the outputs that changed, so the newest file of dist/ tells when the app was last built.
  return !existsSync(join(appDir, 'dist', 'app.js')) || newestMtime(join(appDir, 'dist')) < newestMtime(join(appDir, 'src'));
}

/** `payment-gateway` → `paymentGateway`. */
function camel(name: string): string {
  return name.replace(/[-_.]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

/**
 * Imports `<app>/dist/app.js` and calls its options function: `<camelName>AppOptions()` (e.g. `inventoryAppOptions`),
 * or the one function exported under a name ending in `AppOptions`.
 *
 * @throws CliError when the file is missing or exports no such function.
 *
 * @example
 * ```ts
 * const options = await loadAppOptions('/srv/my-repo/apps/inventory');
 * ```
 */
export async function loadAppOptions(appDir: string): Promise<CreateAppOptions> {
  const file = join(appDir, 'dist', 'app.js');
  if (!existsSync(file)) throw new CliError(`${file} does not exist: build the app first`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const expected = `${camel(basename(appDir))}AppOptions`;
  const candidates = Object.keys(module).filter((k) => k.endsWith('AppOptions') && typeof module[k] === 'function');
  const name = candidates.includes(expected) ? expected : candidates.length === 1 ? candidates[0] : undefined;
  if (name === undefined) {
    throw new CliError(
      `${file} must export ${expected}(): a function returning the app's createApp options (name, services, protos, container, plugins)` +
        (candidates.length > 1 ? `; found several: ${candidates.join(', ')}` : ''),
    );
  }
  return await (module[name] as () => CreateAppOptions | Promise<CreateAppOptions>)();
}

/**
 * The plan of an app, computed exactly as `createApp` computes it at start-up (`planApp` from the app's own
 * `@rampart/server`): the method table, each method's auth decisions and interceptors, and the start-up problems.
 * Nothing is configured, read or connected: no config, no certificates, no plugin `register` or `onInit`.
 *
 * @example
 * ```ts
 * const plan = await planOf(appDir, await loadAppOptions(appDir));
 * plan.authMatrix();
 * ```
 */
export async function planOf(appDir: string, options: CreateAppOptions): Promise<AppPlan> {
  const server = await importServer(appDir);
  return server.planApp(options);
}

/** `planApp` from the app's own `@rampart/server` (standalone apps have theirs), else the CLI's. */
async function importServer(appDir: string): Promise<{ planApp: typeof planApp }> {
  try {
    const path = createRequire(join(appDir, 'package.json')).resolve('@rampart/server');
    const server = (await import(pathToFileURL(path).href)) as { planApp?: typeof planApp };
    return typeof server.planApp === 'function' ? { planApp: server.planApp } : { planApp };
  } catch {
    return { planApp };
  }
}
