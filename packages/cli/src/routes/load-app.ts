import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RampartPlugin } from '@rampart/core';
import { ensureDevPki } from '@rampart/pki';
import { createApp, type AuthMatrixEntry, type CreateAppOptions } from '@rampart/server';
import { CliError, UsageError } from '../io.js';
import { findWorkspaceRoot } from '../workspace.js';

/** Where a placeholder issuer (and audience) points when an app's auth plugin needs one to pass the start-up check. */
export const PLACEHOLDER_ISSUER = 'https://issuer.invalid';

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

/** Where placeholder outgoing targets (`clients.<name>.address`) point: nothing connects while the matrix is read. */
export const PLACEHOLDER_ADDRESS = 'placeholder.invalid:443';

/** A placeholder address for every outgoing target a plugin's config schema declares (`clients.<name>.address`). */
function clientPlaceholders(plugins: readonly RampartPlugin[] | undefined): Record<string, { address: string }> {
  const clients: Record<string, { address: string }> = {};
  for (const plugin of plugins ?? []) {
    const targets = (plugin.configSchema as { clients?: Record<string, { address?: unknown } | undefined> } | undefined)?.clients;
    for (const [name, target] of Object.entries(targets ?? {})) {
      if (target?.address !== undefined) clients[name] = { address: PLACEHOLDER_ADDRESS };
    }
  }
  return clients;
}

function needsIssuer(plugins: readonly RampartPlugin[] | undefined): boolean {
  return (plugins ?? []).some((p) => {
    const auth = (p.configSchema as { auth?: { tokens?: { issuer?: unknown } } } | undefined)?.auth;
    return auth?.tokens?.issuer !== undefined;
  });
}

/**
 * The auth matrix of an app, computed exactly as at start-up: `createApp` from the app's own `@rampart/server`, with
 * port 0, plaintext, silent logs, (when its auth plugin is installed) a placeholder issuer, and placeholder addresses
 * with a throwaway client certificate for the outgoing targets its plugins declare; no config files but `configFiles`,
 * no environment; never listening. The app is closed again.
 *
 * @throws whatever `createApp` throws (e.g. a method without an auth decision).
 *
 * @example
 * ```ts
 * const matrix = await authMatrixOf(appDir, await loadAppOptions(appDir));
 * ```
 */
export async function authMatrixOf(appDir: string, options: CreateAppOptions, configFiles: readonly string[] = []): Promise<AuthMatrixEntry[]> {
  const server = await importServer(appDir);
  const values: Record<string, unknown> = {
    server: { host: '127.0.0.1', port: 0 },
    transport: { insecure: true },
    log: { level: 'silent' },
    // A placeholder issuer and audience, and placeholder addresses for outgoing targets, let the start-up check
    // pass; the matrix depends on none of them. Config files (--config) still override them.
    ...(needsIssuer(options.plugins) ? { auth: { tokens: { issuer: PLACEHOLDER_ISSUER, audience: PLACEHOLDER_ISSUER } } } : {}),
  };
  const clients = clientPlaceholders(options.plugins);
  // Outgoing targets need a client certificate to build their channels: a throwaway one, removed afterwards.
  const throwaway = Object.keys(clients).length > 0 ? await throwawayTls() : undefined;
  if (throwaway !== undefined) {
    values['clients'] = clients;
    values['transport'] = { insecure: true, tls: throwaway.files };
  }
  try {
    const app = await server.createApp({ ...options, config: { values, env: {}, files: [...configFiles] }, handleSignals: false });
    const matrix = app.authMatrix();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([app.close({ graceMs: 0 }), new Promise((r) => (timer = setTimeout(r, 1_000)))]);
    clearTimeout(timer);
    return matrix;
  } finally {
    throwaway?.remove();
  }
}

/** A CA and one workload certificate in a fresh temporary directory, for channels that are never used. */
async function throwawayTls(): Promise<{ files: { certFile: string; keyFile: string; caFile: string }; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-routes-'));
  try {
    const pki = await ensureDevPki({ dir, trustDomain: 'routes.invalid', workloads: [{ name: 'routes' }] });
    const workload = pki.workloads['routes'] as { cert: string; key: string };
    return {
      files: { certFile: workload.cert, keyFile: workload.key, caFile: pki.caCert },
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `createApp` from the app's own `@rampart/server` (standalone apps have theirs), else the CLI's. */
async function importServer(appDir: string): Promise<{ createApp: typeof createApp }> {
  try {
    const path = createRequire(join(appDir, 'package.json')).resolve('@rampart/server');
    return (await import(pathToFileURL(path).href)) as { createApp: typeof createApp };
  } catch {
    return { createApp };
  }
}

