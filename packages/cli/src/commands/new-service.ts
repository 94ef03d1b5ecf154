import { join, relative, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { noExtraArguments, parseCommand, stringOption } from '../args.js';
import { cliVersion } from '../version.js';
import { ensureWorkloads } from '../dev/dev-pki.js';
import { issuerFiles, readSigningKey, registerIssuerClient, writePublicJwks } from '../dev/issuer-files.js';
import { CliError, UsageError, type CliIo } from '../io.js';
import { runStep, withProgress } from '../progress.js';
import { assertTargetsFree, scaffoldFiles, writeScaffold } from '../scaffold/files.js';
import { planService, type ServicePlan } from '../scaffold/plan.js';
import { readScaffoldSettings, SETTINGS_FILE } from '../scaffold/scaffold-settings.js';
import { canRunTurbo, pnpmCommand, turboBinary } from '../tools.js';
import { requireWorkspaceRoot, workspacePackages } from '../workspace.js';

const OPTIONS = {
  'proto-package': { type: 'string' },
  package: { type: 'string' },
  'trust-domain': { type: 'string' },
  kinds: { type: 'string' },
  standalone: { type: 'string' },
  root: { type: 'string' },
  'no-install': { type: 'boolean' },
} as const;

/**
 * `rampart new service <name>`: scaffolds a service (see `HELP.new`), registers its workload with the dev PKI and the
 * dev issuer, then (in the monorepo, unless `--no-install`) runs `pnpm install` and builds the new app.
 *
 * @example
 * ```ts
 * await newCommand(['service', 'payments', '--kinds', 'unary'], io);
 * ```
 */
export async function newCommand(argv: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(argv, OPTIONS, 'new');
  if (positionals[0] !== 'service') {
    throw new UsageError(positionals[0] === undefined ? 'say what to create: rampart new service <name>' : `cannot create a ${JSON.stringify(positionals[0])}: only "service"`, 'new');
  }
  const name = positionals[1];
  if (name === undefined) throw new UsageError('new service needs a <name>', 'new');
  noExtraArguments(positionals, 2, 'new');
  const standalone = stringOption(values, 'standalone');
  if (standalone !== undefined && values['root'] !== undefined) throw new UsageError('give --standalone or --root, not both', 'new');
  if (standalone === '') throw new UsageError('--standalone needs a folder', 'new');

  if (values['proto-package'] !== undefined && values['package'] !== undefined) throw new UsageError('give --proto-package or --package (its old name), not both', 'new');
  const pkg = stringOption(values, 'proto-package') ?? stringOption(values, 'package');
  const td = stringOption(values, 'trust-domain');
  const kinds = stringOption(values, 'kinds');
  const optionsOf = { name, ...(pkg ? { package: pkg } : {}), ...(td ? { trustDomain: td } : {}), ...(kinds !== undefined ? { kinds } : {}) };
  let plan: ServicePlan;
  if (standalone !== undefined) {
    const dir = resolve(io.cwd, standalone);
    plan = planService({ ...optionsOf, standalone: true, settings: readScaffoldSettings(io.cwd, { walkUp: true }) }, dir);
  } else {
    const root = requireWorkspaceRoot(io.cwd, stringOption(values, 'root'));
    plan = planService({ ...optionsOf, settings: readScaffoldSettings(root) }, root);
  }

  if (plan.mode === 'monorepo') {
    const clash = workspacePackages(plan.root).find((p) => p.name === plan.packageName);
    if (clash) throw new CliError(`the workspace already has a package named ${plan.packageName} (${relative(plan.root, clash.dir)}): nothing was written`);
  }
  assertTargetsFree(plan);
  const files = scaffoldFiles(plan, await cliVersion());
  io.err(`rampart: creating the ${plan.name} service (${plan.typeName}) in ${plan.mode === 'monorepo' ? plan.root : plan.appDir}\n`);
  writeScaffold(files);
  for (const file of files) io.err(`  wrote ${relative(plan.root, file.path)}\n`);
  io.err(defaultsNotice(plan));

  await registerWorkload(plan, io);
  if (plan.mode === 'monorepo' && values['no-install'] !== true) await installAndBuild(plan, io);
  io.err(nextSteps(plan, values['no-install'] === true));
}

/** Says which names were defaulted and how to set them, since they end up in identifiers that are hard to change. */
function defaultsNotice(plan: ServicePlan): string {
  if (plan.defaulted.length === 0) return '';
  const lines = plan.defaulted.map((what) =>
    what === 'protoPackage'
      ? `  proto package ${plan.protoPackage}: derived from the name (pass --proto-package acme.shop.${plan.snake}.v1, or set "protoPackagePrefix")\n`
      : `  trust domain ${plan.trustDomain}: a placeholder (pass --trust-domain <your domain>, or set "trustDomain")\n`,
  );
  return (
    `note: no workspace setting for these; they end up in type names, SPIFFE IDs and token audiences, which are hard to change later:\n` +
    lines.join('') +
    `  settings go in ${SETTINGS_FILE} (or a "rampart" key in package.json) at the ${plan.mode === 'monorepo' ? 'workspace root' : 'project root'}, e.g. { "protoPackagePrefix": "acme.shop", "trustDomain": "prod.acme.com" }\n`
  );
}

async function registerWorkload(plan: ServicePlan, io: CliIo): Promise<void> {
  const runtime = join(plan.root, '.rampart');
  const pki = await withProgress(io, `issuing ${plan.spiffeId} into ${relative(plan.root, join(runtime, 'pki'))}/ (existing workloads kept)`, () =>
    ensureWorkloads(join(runtime, 'pki'), plan.trustDomain, [{ name: plan.name }]),
  );
  io.err(`  certificate: ${relative(plan.root, pki.workloads[plan.name]?.chain ?? '')}\n`);
  const files = issuerFiles(runtime);
  const entries = registerIssuerClient(files.clients, { trustDomain: plan.trustDomain, name: plan.name, scopes: [plan.scopes.read, plan.scopes.write] });
  const use =
    plan.mode === 'monorepo'
      ? 'a RAMPART_CONFIG file for apps/issuer; pnpm demo and pnpm dev pass their own list'
      : 'the issuer.clients entries for your dev issuer';
  io.err(
    `  dev issuer clients: ${relative(plan.root, files.clients)} (${use})\n` +
      `${JSON.stringify(entries, null, 2).replace(/^/gm, '    ')}\n`,
  );
  if (existsSync(files.keys)) {
    const jwks = writePublicJwks(files.keys, readSigningKey(files.keys).all);
    io.err(`  dev issuer public keys: ${relative(plan.root, jwks)}\n`);
  }
}

async function installAndBuild(plan: ServicePlan, io: CliIo): Promise<void> {
  const [pnpm, ...pnpmArgs] = pnpmCommand(io.env, plan.root);
  await runStep(io, 'pnpm install (links the new workspace package)', pnpm, [...pnpmArgs, 'install', '--prefer-offline'], { cwd: plan.root });
  const turbo = turboBinary(plan.root);
  if (turbo === undefined || !canRunTurbo(io.env)) {
    io.err(`  turbo or pnpm is not on PATH: skipping the build (run "pnpm turbo run build --filter=${plan.packageName}...")\n`);
    return;
  }
  await runStep(io, `building ${plan.packageName} and what it needs (turbo)`, turbo, ['run', 'build', `--filter=${plan.packageName}...`, '--output-logs=errors-only'], {
    cwd: plan.root,
  });
}

function nextSteps(plan: ServicePlan, skipped: boolean): string {
  const mint = `token mint --aud ${plan.spiffeId} --scope "${plan.scopes.read} ${plan.scopes.write}"`;
  if (plan.mode === 'standalone') {
    return `\nnext:\n  cd ${plan.appDir}\n  pnpm install          (or npm install)\n  pnpm test             run its tests\n  pnpm build && pnpm dev   start it on 127.0.0.1:${plan.devPort}\n  npx rampart routes --app .\n  npx rampart ${mint}\n`;
  }
  const filter = `pnpm --filter ${plan.packageName}`;
  return (
    `\nnext:\n` +
    (skipped ? `  pnpm install && pnpm turbo run build --filter=${plan.packageName}...\n` : '') +
    `  ${filter} test            run its tests\n` +
    `  ${filter} dev             start it (config/dev.json, 127.0.0.1:${plan.devPort})\n` +
    `  pnpm rampart routes --app ${plan.name}     show its auth matrix\n` +
    `  pnpm -s rampart ${mint} --bind .rampart/pki/demo-client.pem\n`
  );
}
