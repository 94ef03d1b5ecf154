import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpiffeId } from '@rampart/core';
import { ensureDevPki, type DevPkiPaths, type DevPkiWorkload } from '@rampart/pki';
import { altNames } from '../certs/describe-certificate.js';
import { CliError } from '../io.js';

/**
 * The workloads already in a dev PKI folder for one trust domain: every `<name>.pem` with a `<name>-key.pem` whose
 * certificate carries a SPIFFE ID of that trust domain, with its path and SANs as they are, so that
 * `ensureDevPki` keeps them (and renews them with the same names when the CA is replaced).
 *
 * @example
 * ```ts
 * existingWorkloads('.rampart/pki', 'demo.rampart.dev'); // [{ name: 'orders', path: '/orders', dnsNames: [...], ... }]
 * ```
 */
export function existingWorkloads(dir: string, trustDomain: string): DevPkiWorkload[] {
  if (!existsSync(dir)) return [];
  const workloads: DevPkiWorkload[] = [];
  for (const file of readdirSync(dir).sort()) {
    const name = /^(.+)\.pem$/.exec(file)?.[1];
    if (name === undefined || name === 'ca' || /-(key|chain)$/.test(name) || !existsSync(join(dir, `${name}-key.pem`))) continue;
    try {
      const cert = new X509Certificate(readFileSync(join(dir, file)));
      const names = altNames(cert.subjectAltName);
      const id = names.uris.length === 1 ? parseSpiffeId(names.uris[0] as string) : undefined;
      if (id?.trustDomain !== trustDomain) continue;
      workloads.push({ name, path: id.path, dnsNames: names.dnsNames, ipAddresses: names.ipAddresses });
    } catch {
      // not a certificate ensureDevPki made: leave it alone
    }
  }
  return workloads;
}

/**
 * Ensures the dev PKI in `dir` with its existing workloads kept and `added` ones issued (an added workload already
 * there is kept as it is).
 *
 * @example
 * ```ts
 * const pki = await ensureWorkloads('.rampart/pki', 'demo.rampart.dev', [{ name: 'payments' }]);
 * pki.workloads['payments']?.spiffeId; // 'spiffe://demo.rampart.dev/payments'
 * ```
 */
export function ensureWorkloads(dir: string, trustDomain: string, added: readonly DevPkiWorkload[]): Promise<DevPkiPaths> {
  const kept = existingWorkloads(dir, trustDomain);
  const names = new Set(kept.map((w) => w.name));
  for (const workload of added) {
    if (!names.has(workload.name) && existsSync(join(dir, `${workload.name}.pem`))) {
      throw new CliError(
        `${join(dir, `${workload.name}.pem`)} exists but is not a ${trustDomain} workload certificate: move it away or choose another name`,
      );
    }
  }
  return ensureDevPki({ dir, trustDomain, workloads: [...kept, ...added.filter((w) => !names.has(w.name))] });
}
