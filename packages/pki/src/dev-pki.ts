import { resolve, join } from 'node:path';
import { type CertificateAuthority, createCa } from './certificate-authority.js';
import { isUsableWorkload, usableCa } from './dev-pki-checks.js';
import { withDirectoryLock } from './directory-lock.js';
import { issueCertificate } from './issue-certificate.js';
import { endWithNewline } from './keys.js';
import {
  ensurePrivateDir,
  PRIVATE_FILE_MODE,
  PUBLIC_FILE_MODE,
  readIfPresent,
  tightenMode,
  writeFileAtomic,
} from './private-files.js';
import { formatSpiffeId } from '@rampart/core';
import { assertDnsName, assertIpAddress, type AltNames } from './subject-names.js';

const HOUR_MS = 60 * 60 * 1000;
const WORKLOAD_VALIDITY_HOURS = 24;
const DEFAULT_RENEW_BEFORE_HOURS = 2;
const DEFAULT_DNS_NAMES = ['localhost'] as const;
const DEFAULT_IP_ADDRESSES = ['127.0.0.1', '::1'] as const;
const WORKLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * One workload of the development PKI.
 *
 * @example
 * ```ts
 * const orders: DevPkiWorkload = { name: 'orders' }; // spiffe://<trust-domain>/orders, localhost, 127.0.0.1, ::1
 * ```
 */
export interface DevPkiWorkload {
  /** File name stem and default path: letters, digits, `.`, `-`, `_`, at most 64, not starting with `.`. */
  readonly name: string;
  /** SPIFFE ID path. Default `/${name}`. */
  readonly path?: string;
  /** DNS SANs. Default `['localhost']`; `[]` for none. */
  readonly dnsNames?: readonly string[];
  /** IP SANs. Default `['127.0.0.1', '::1']`; `[]` for none. */
  readonly ipAddresses?: readonly string[];
}

/**
 * Options of {@link ensureDevPki}.
 *
 * @example
 * ```ts
 * const options: DevPkiOptions = {
 *   dir: '.rampart/pki',
 *   trustDomain: 'demo.rampart.dev',
 *   workloads: [{ name: 'inventory' }, { name: 'orders' }, { name: 'demo-client', dnsNames: [], ipAddresses: [] }],
 * };
 * ```
 */
export interface DevPkiOptions {
  /** Directory of the files; created with mode 0700. Keep it git-ignored. */
  readonly dir: string;
  /** SPIFFE trust domain, e.g. `demo.rampart.dev`. */
  readonly trustDomain: string;
  readonly workloads: readonly DevPkiWorkload[];
  /** Reissue a workload certificate (24 h) when it expires within this many hours: 0 ≤ n < 24. Default 2. */
  readonly renewBeforeHours?: number;
}

/**
 * Absolute paths of the files {@link ensureDevPki} keeps, and each workload's SPIFFE ID.
 *
 * @example
 * ```ts
 * const { caCert, workloads } = await ensureDevPki(options);
 * const { cert, key, chain, spiffeId } = workloads['orders']!;
 * ```
 */
export interface DevPkiPaths {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly workloads: Readonly<
    Record<string, { readonly cert: string; readonly key: string; readonly chain: string; readonly spiffeId: string }>
  >;
}

interface WorkloadPlan {
  readonly name: string;
  readonly spiffeId: string;
  readonly names: AltNames;
  readonly cert: string;
  readonly key: string;
  readonly chain: string;
}

/**
 * Prepares a development PKI in a directory, idempotently. It keeps what is still good and replaces what
 * is missing, broken, expired or expiring soon:
 *
 * - `ca.pem`, `ca-key.pem`: a CA (30 days), replaced when it would expire within the workload lifetime
 *   plus `renewBeforeHours`, which also reissues every workload;
 * - `<name>.pem`, `<name>-key.pem`, `<name>-chain.pem` per workload: a 24 h certificate for
 *   `spiffe://<trustDomain><path>` with usage serverAuth + clientAuth, reissued when it expires within
 *   `renewBeforeHours`, was not issued by the current CA, or its SANs differ from the options.
 *
 * The directory is created with mode 0700 (an existing one open to other users is refused), keys are
 * written 0600 and certificates 0644, each atomically (temporary file, then rename). A lock file guards
 * against concurrent runs on the same directory. A key is written before its certificate, so a reader
 * polling the files may briefly see a new key with the old certificate and should retry.
 *
 * @throws TypeError for an invalid trust domain, path, workload name, DNS name or IP address, or names
 *   whose files would collide; RangeError for `renewBeforeHours` out of range; Error for an unsafe
 *   directory.
 *
 * @example
 * ```ts
 * const pki = await ensureDevPki({
 *   dir: '.rampart/pki',
 *   trustDomain: 'demo.rampart.dev',
 *   workloads: [{ name: 'inventory' }, { name: 'orders' }],
 * });
 * pki.workloads['orders']?.spiffeId; // 'spiffe://demo.rampart.dev/orders'
 * ```
 */
export async function ensureDevPki(options: DevPkiOptions): Promise<DevPkiPaths> {
  const renewBeforeHours = options.renewBeforeHours ?? DEFAULT_RENEW_BEFORE_HOURS;
  if (!Number.isFinite(renewBeforeHours) || renewBeforeHours < 0 || renewBeforeHours >= WORKLOAD_VALIDITY_HOURS) {
    throw new RangeError(`renewBeforeHours must be at least 0 and less than ${WORKLOAD_VALIDITY_HOURS}`);
  }
  const dir = resolve(options.dir);
  const plans = planWorkloads(dir, options);
  const caCert = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');

  await ensurePrivateDir(dir);
  await withDirectoryLock(dir, async () => {
    const now = new Date();
    const renewBeforeMs = renewBeforeHours * HOUR_MS;
    const ca = await ensureCa(caCert, caKey, now, renewBeforeMs + WORKLOAD_VALIDITY_HOURS * HOUR_MS);
    for (const plan of plans) {
      await ensureWorkload(ca, plan, now, renewBeforeMs);
    }
  });

  const workloads = Object.fromEntries(
    plans.map((plan) => [
      plan.name,
      Object.freeze({ cert: plan.cert, key: plan.key, chain: plan.chain, spiffeId: plan.spiffeId }),
    ]),
  );
  return Object.freeze({ dir, caCert, caKey, workloads: Object.freeze(workloads) });
}

function planWorkloads(dir: string, options: DevPkiOptions): WorkloadPlan[] {
  const files = new Set(['ca.pem', 'ca-key.pem']);
  return options.workloads.map((workload) => {
    if (typeof workload.name !== 'string' || !WORKLOAD_NAME.test(workload.name)) {
      throw new TypeError(
        `invalid workload name ${JSON.stringify(workload.name)}: use letters, digits, ".", "-", "_" (at most 64)`,
      );
    }
    const stems = [`${workload.name}.pem`, `${workload.name}-key.pem`, `${workload.name}-chain.pem`];
    for (const file of stems) {
      if (files.has(file)) {
        throw new TypeError(`workload ${JSON.stringify(workload.name)}: file ${file} is already used`);
      }
      files.add(file);
    }
    const spiffeId = formatSpiffeId(options.trustDomain, workload.path ?? `/${workload.name}`);
    const names: AltNames = {
      uris: [spiffeId],
      dnsNames: [...(workload.dnsNames ?? DEFAULT_DNS_NAMES)],
      ipAddresses: [...(workload.ipAddresses ?? DEFAULT_IP_ADDRESSES)],
    };
    names.dnsNames.forEach(assertDnsName);
    names.ipAddresses.forEach(assertIpAddress);
    const [cert, key, chain] = stems.map((file) => join(dir, file)) as [string, string, string];
    return { name: workload.name, spiffeId, names, cert, key, chain };
  });
}

async function ensureCa(certPath: string, keyPath: string, now: Date, keepForMs: number): Promise<CertificateAuthority> {
  const kept = await usableCa(await readIfPresent(certPath), await readIfPresent(keyPath), now, keepForMs);
  if (kept !== undefined) {
    await tightenMode(keyPath, PRIVATE_FILE_MODE);
    return kept;
  }
  const ca = await createCa();
  await writeFileAtomic(keyPath, ca.keyPem, PRIVATE_FILE_MODE);
  await writeFileAtomic(certPath, ca.certPem, PUBLIC_FILE_MODE);
  return ca;
}

async function ensureWorkload(ca: CertificateAuthority, plan: WorkloadPlan, now: Date, keepForMs: number): Promise<void> {
  let certPem = await readIfPresent(plan.cert);
  const keyPem = await readIfPresent(plan.key);
  if (await isUsableWorkload(ca, certPem, keyPem, plan.names, now, keepForMs)) {
    await tightenMode(plan.key, PRIVATE_FILE_MODE);
  } else {
    const issued = await issueCertificate(ca, {
      spiffeId: plan.spiffeId,
      dnsNames: plan.names.dnsNames,
      ipAddresses: plan.names.ipAddresses,
      usage: 'both',
      validityHours: WORKLOAD_VALIDITY_HOURS,
    });
    await writeFileAtomic(plan.key, issued.keyPem, PRIVATE_FILE_MODE);
    await writeFileAtomic(plan.cert, issued.certPem, PUBLIC_FILE_MODE);
    certPem = issued.certPem;
  }
  const chainPem = endWithNewline(certPem ?? '') + ca.certPem;
  if ((await readIfPresent(plan.chain)) !== chainPem) {
    await writeFileAtomic(plan.chain, chainPem, PUBLIC_FILE_MODE);
  }
}
