import { basename } from 'node:path';
import { parseCommand, stringOption, noExtraArguments } from '../args.js';
import { CliError, UsageError, type CliIo } from '../io.js';
import { runStep } from '../progress.js';
import { formatRoutes, type RoutesFormat } from '../routes/format.js';
import { loadAppOptions, planOf, needsBuild, resolveAppDir } from '../routes/load-app.js';
import { authMatrixRows } from '../routes/rows.js';
import { canRunTurbo, turboBinary } from '../tools.js';
import { findWorkspaceRoot, readPackageJson } from '../workspace.js';

const OPTIONS = {
  app: { type: 'string' },
  format: { type: 'string' },
  'no-build': { type: 'boolean' },
} as const;

const FORMATS: readonly RoutesFormat[] = ['table', 'json', 'markdown'];

/**
 * `rampart routes`: prints an app's auth matrix (see `HELP.routes`). In the monorepo an app whose `dist/` is missing
 * or older than its `src/` is built first (turbo), unless `--no-build`.
 *
 * @example
 * ```ts
 * await routesCommand(['--app', 'inventory', '--format', 'json'], io);
 * ```
 */
export async function routesCommand(argv: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(argv, OPTIONS, 'routes');
  noExtraArguments(positionals, 0, 'routes');
  const format = stringOption(values, 'format', 'table') as RoutesFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format ${JSON.stringify(format)}: use ${FORMATS.join(', ')}`, 'routes');
  const appDir = resolveAppDir(io.cwd, stringOption(values, 'app'), 'routes');
  const root = findWorkspaceRoot(appDir);
  const turbo = root !== undefined ? turboBinary(root) : undefined;
  const packageName = readPackageJson(appDir)?.name;
  if (values['no-build'] !== true && root !== undefined && packageName !== undefined && needsBuild(appDir)) {
    const args = ['run', 'build', `--filter=${packageName}...`, '--output-logs=errors-only'];
    if (turbo !== undefined && canRunTurbo(io.env)) {
      await runStep(io, `building ${packageName} (its dist/ is missing or older than src/)`, turbo, args, { cwd: root });
    } else {
      io.err(`rampart: ${packageName}'s dist/ is missing or older than src/; build it with "pnpm turbo ${args.join(' ')}"\n`);
    }
  }
  const options = await loadAppOptions(appDir);
  const plan = await planOf(appDir, options);
  if (plan.problems.length > 0) {
    throw new CliError(
      `${options.name} would refuse to start: ${plan.problems.length} problem(s)\n${plan.problems.map((p) => `  - ${p.text}`).join('\n')}`,
    );
  }
  const rows = authMatrixRows(plan.authMatrix());
  io.out(formatRoutes(options.name || basename(appDir), rows, format));
}
