import { createCa, issueCertificate, type CertificateAuthority, type IssueOptions } from '@rampart/pki';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TRUST_DOMAIN = 'spiffe://demo.rampart.dev';
export const ORDERS = `${TRUST_DOMAIN}/orders`;
export const INVENTORY = `${TRUST_DOMAIN}/inventory`;
export const BILLING = `${TRUST_DOMAIN}/billing`;

/** A temporary folder for certificates and protos, removed by `remove()`. */
export interface TempDir {
  readonly dir: string;
  path(name: string): string;
  /** Writes a whole file, then renames it into place (how rotations should replace files). */
  write(name: string, content: string): Promise<string>;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-client-tls-'));
  let counter = 0;
  const path = (name: string): string => join(dir, name);
  return {
    dir,
    path,
    async write(name, content) {
      const staging = `${path(name)}.${++counter}.tmp`;
      await writeFile(staging, content, { mode: 0o600 });
      await rename(staging, path(name));
      return path(name);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Files of a client workload: its certificate, its key and the trust bundle it uses. */
export interface ClientFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

/** Issues a client certificate and writes it, its key and the given trust bundle to `<name>*.pem`. */
export async function writeClientFiles(
  tmp: TempDir,
  name: string,
  ca: CertificateAuthority,
  options: IssueOptions,
  trustBundle: string = ca.certPem,
): Promise<ClientFiles> {
  const issued = await issueCertificate(ca, { usage: 'client', ...options });
  return {
    keyFile: await tmp.write(`${name}-key.pem`, issued.keyPem),
    certFile: await tmp.write(`${name}.pem`, issued.certPem),
    caFile: await tmp.write(`${name}-ca.pem`, trustBundle),
  };
}

export { createCa, issueCertificate };
