import { spawnSync } from 'node:child_process';
import { delimiter, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from '@rampart/codegen';
import { noExtraArguments, parseCommand, stringOption } from '../args.js';
import { CliError, type CliIo } from '../io.js';
import { resolveAppDir } from '../routes/load-app.js';
import { findWorkspaceRoot, readPackageJson, workspacePackages, type WorkspacePackage } from '../workspace.js';

/**
 * The arguments of a `rampart-codegen …` script, when the script is exactly that (no shell operators).
 *
 * @example
 * ```ts
 * codegenArguments('rampart-codegen --proto-root ../../proto --out src/generated a/v1/a.proto');
 * // { protoRoot: '../../proto', outDir: 'src/generated', files: ['a/v1/a.proto'] }
 * ```
 */
export function codegenArguments(script: string): { protoRoot: string; outDir: string; files: string[] } | undefined {
  const [command, ...args] = script.trim().split(/\s+/);
  if (command !== 'rampart-codegen' || /[;&|<>$`'"]/.test(script)) return undefined;
  try {
    const { values, positionals } = parseArgs({ args, options: { 'proto-root': { type: 'string' }, out: { type: 'string' } }, allowPositionals: true });
    if (values['proto-root'] === undefined || values.out === undefined) return undefined;
    return { protoRoot: values['proto-root'], outDir: values.out, files: positionals };
  } catch {
    return undefined;
  }
}

function runGenerate(pkg: WorkspacePackage, root: string, io: CliIo): void {
  const script = pkg.scripts['generate'] as string;
  const label = relative(root, pkg.dir) || pkg.name;
  const codegen = codegenArguments(script);
  if (codegen !== undefined) {
    const result = generate({
      protoRoot: resolve(pkg.dir, codegen.protoRoot),
      outDir: resolve(pkg.dir, codegen.outDir),
      ...(codegen.files.length > 0 ? { files: codegen.files } : {}),
    });
    io.err(`  ${label}: ${result.services.length} service(s) -> ${codegen.outDir}\n`);
    return;
  }
  const bins = [join(pkg.dir, 'node_modules', '.bin'), join(root, 'node_modules', '.bin')];
  const run = spawnSync(script, {
    cwd: pkg.dir,
    shell: true,
    encoding: 'utf8',
    env: { ...process.env, PATH: [...bins, process.env['PATH'] ?? ''].join(delimiter) },
  });
  if (run.status !== 0) throw new CliError(`${label}: "${script}" failed (exit ${run.status ?? 'signal'}):\n${`${run.stdout}${run.stderr}`.trim()}`);
  io.err(`  ${label}: ran "${script}"\n`);
}

/**
 * `rampart generate`: regenerates the TypeScript types of every workspace package with a `generate` script, or of one
 * app (`--app`); outside a workspace, of the project in the current directory.
 *
 * @example
 * ```ts
 * await generateCommand(['--app', 'inventory'], io);
 * ```
 */
export function generateCommand(argv: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(argv, { app: { type: 'string' } }, 'generate');
  noExtraArguments(positionals, 0, 'generate');
  const app = stringOption(values, 'app');
  const root = findWorkspaceRoot(io.cwd);
  let targets: WorkspacePackage[];
  if (app !== undefined || root === undefined) {
    const dir = app !== undefined ? resolveAppDir(io.cwd, app, 'generate') : resolve(io.cwd);
    const pkg = readPackageJson(dir);
    targets = pkg ? [{ dir, name: pkg.name ?? dir, scripts: pkg.scripts ?? {} }] : [];
  } else {
    targets = workspacePackages(root);
  }
  const withScript = targets.filter((p) => typeof p.scripts['generate'] === 'string');
  if (withScript.length === 0) throw new CliError(`nothing to generate: no package with a "generate" script${app ? ` (${app})` : ''}`);
  io.err(`rampart: generating types for ${withScript.length} package(s)\n`);
  for (const pkg of withScript) runGenerate(pkg, root ?? pkg.dir, io);
  return Promise.resolve();
}
