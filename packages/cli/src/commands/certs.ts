import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseSpiffeId } from '@rampart/core';
import { issueCertificate, loadCa } from '@rampart/pki';
import { listOption, noExtraArguments, parseCommand, stringOption, type ParsedCommand } from '../args.js';
import { describeCertificate, formatCertificate } from '../certs/describe-certificate.js';
import { ensureWorkloads, existingWorkloads } from '../dev/dev-pki.js';
import { CliError, UsageError, type CliIo } from '../io.js';
import { trustDomain } from '../names.js';
import { withProgress } from '../progress.js';
import { DEFAULT_TRUST_DOMAIN, runtimeDir } from '../workspace.js';

const OPTIONS = {
  dir: { type: 'string' },
  'trust-domain': { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  dns: { type: 'string', multiple: true },
  ip: { type: 'string', multiple: true },
  hours: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const STEM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * `rampart certs init | issue <spiffe-id> | show <file>`: the development CA and workload certificates (see
 * `HELP.certs`).
 *
 * @example
 * ```ts
 * await certsCommand(['issue', 'spiffe://demo.rampart.dev/payments', '--out', 'tmp'], io);
 * ```
 */
export async function certsCommand(argv: readonly string[], io: CliIo): Promise<void> {
  const parsed = parseCommand(argv, OPTIONS, 'certs');
  const [action, ...rest] = parsed.positionals;
  const dir = resolve(io.cwd, stringOption(parsed.values, 'dir') ?? join(runtimeDir(io.cwd), 'pki'));
  switch (action) {
    case 'init':
      noExtraArguments(rest, 0, 'certs');
      return init(dir, parsed, io);
    case 'issue':
      noExtraArguments(rest, 1, 'certs');
      return issue(dir, rest[0], parsed, io);
    case 'show':
      noExtraArguments(rest, 1, 'certs');
      return show(rest[0], parsed, io);
    default:
      throw new UsageError(action === undefined ? 'certs needs an action: init, issue or show' : `unknown certs action ${JSON.stringify(action)}`, 'certs');
  }
}

async function init(dir: string, { values }: ParsedCommand, io: CliIo): Promise<void> {
  const td = trustDomain(stringOption(values, 'trust-domain', DEFAULT_TRUST_DOMAIN), 'certs');
  const kept = existingWorkloads(dir, td).map((w) => w.name);
  const pki = await withProgress(io, `preparing the dev CA in ${dir}`, () => ensureWorkloads(dir, td, []));
  io.out(`CA certificate: ${pki.caCert}\nCA key:         ${pki.caKey}\n`);
  io.out(kept.length > 0 ? `workloads kept (${td}): ${kept.join(', ')}\n` : `no workload certificates yet: rampart certs issue spiffe://${td}/<name>\n`);
}

async function issue(dir: string, spiffeId: string | undefined, { values }: ParsedCommand, io: CliIo): Promise<void> {
  if (spiffeId === undefined) throw new UsageError('certs issue needs a SPIFFE ID, e.g. spiffe://demo.rampart.dev/payments', 'certs');
  try {
    parseSpiffeId(spiffeId);
  } catch (error) {
    throw new UsageError((error as Error).message, 'certs');
  }
  const name = stringOption(values, 'name') ?? spiffeId.split('/').pop() ?? '';
  if (!STEM.test(name) || name === 'ca') throw new UsageError(`invalid file name stem ${JSON.stringify(name)}: use --name with letters, digits, ".", "-", "_"`, 'certs');
  const hours = Number(stringOption(values, 'hours', '24'));
  if (!Number.isFinite(hours) || hours <= 0) throw new UsageError('--hours must be a positive number', 'certs');
  const dnsNames = values['dns'] === undefined ? ['localhost'] : listOption(values, 'dns');
  const ipAddresses = values['ip'] === undefined ? ['127.0.0.1', '::1'] : listOption(values, 'ip');

  const caCert = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  if (!existsSync(caCert) || !existsSync(caKey)) throw new CliError(`no dev CA in ${dir} (ca.pem, ca-key.pem): run "rampart certs init" first`);
  const out = resolve(io.cwd, stringOption(values, 'out') ?? dir);
  const paths = { cert: join(out, `${name}.pem`), key: join(out, `${name}-key.pem`), chain: join(out, `${name}-chain.pem`) };
  const existing = Object.values(paths).filter((p) => existsSync(p));
  if (existing.length > 0 && values['force'] !== true) {
    throw new CliError(`${existing.map((p) => relative(io.cwd, p) || p).join(', ')} already exist${existing.length === 1 ? 's' : ''}: nothing was written (--force replaces)`);
  }
  const issued = await withProgress(io, `issuing ${spiffeId}`, async () => {
    const ca = await loadCa(readFileSync(caCert, 'utf8'), readFileSync(caKey, 'utf8'));
    try {
      return await issueCertificate(ca, { spiffeId, dnsNames, ipAddresses, usage: 'both', validityHours: hours });
    } catch (error) {
      throw error instanceof TypeError ? new UsageError(error.message, 'certs') : error;
    }
  });
  mkdirSync(out, { recursive: true, mode: 0o700 });
  writeFileSync(paths.key, issued.keyPem, { mode: 0o600 });
  writeFileSync(paths.cert, issued.certPem, { mode: 0o644 });
  writeFileSync(paths.chain, issued.chainPem, { mode: 0o644 });
  io.out(
    `certificate: ${paths.cert}\nkey:         ${paths.key}\nchain:       ${paths.chain}\n` +
      `SPIFFE ID:   ${spiffeId}\nnot after:   ${issued.notAfter.toISOString()}\nx5t#S256:    ${issued.thumbprint}\n`,
  );
}

function show(file: string | undefined, { values }: ParsedCommand, io: CliIo): Promise<void> {
  if (file === undefined) throw new UsageError('certs show needs a PEM file', 'certs');
  const path = resolve(io.cwd, file);
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const info = describeCertificate(pem, file);
  io.out(values['json'] === true ? `${JSON.stringify(info, null, 2)}\n` : formatCertificate(info));
  return Promise.resolve();
}
