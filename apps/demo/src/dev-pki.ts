import { createCa, ensureDevPki, issueCertificate, type DevPkiPaths } from '@rampart/pki';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The demo's trust domain. */
export const DEMO_TRUST_DOMAIN = 'demo.rampart.dev';

/** Where the development PKI and the issuer's keys live: git-ignored folders at the repository root. */
export const RUNTIME_DIR = fileURLToPath(new URL('../../../.rampart/', import.meta.url));
export const DEV_PKI_DIR = join(RUNTIME_DIR, 'pki');

/** The demo's workloads: the issuer, the two services, a legitimate client, and an intruder from the same CA. */
export const WORKLOADS = ['issuer', 'inventory', 'orders', 'demo-client', 'intruder'] as const;

/** The PKI paths plus a certificate from a CA nobody trusts. */
export interface DemoPki extends DevPkiPaths {
  readonly rogue: { readonly cert: string; readonly key: string };
}

/**
 * Creates the demo's CA and workload certificates if absent or expiring (keeps valid ones), and a certificate for
 * the orders SPIFFE ID signed by a rogue CA, for the "untrusted CA" scenario.
 */
export async function ensureDemoPki(): Promise<DemoPki> {
  const paths = await ensureDevPki({
    dir: DEV_PKI_DIR,
    trustDomain: DEMO_TRUST_DOMAIN,
    workloads: WORKLOADS.map((name) => ({ name })),
  });
  const rogueDir = join(DEV_PKI_DIR, 'rogue');
  const rogue = { cert: join(rogueDir, 'rogue.pem'), key: join(rogueDir, 'rogue-key.pem') };
  if (!existsSync(rogue.cert) || !existsSync(rogue.key)) {
    mkdirSync(rogueDir, { recursive: true, mode: 0o700 });
    const ca = await createCa({ commonName: 'Rogue CA (not trusted by anyone)' });
    const issued = await issueCertificate(ca, { spiffeId: `spiffe://${DEMO_TRUST_DOMAIN}/orders`, usage: 'client', validityHours: 24 * 365 });
    writeFileSync(rogue.key, issued.keyPem, { mode: 0o600 });
    writeFileSync(rogue.cert, issued.chainPem);
  }
  return { ...paths, rogue };
}

/** The SPIFFE ID of a demo workload. */
export function demoId(name: string): string {
  return `spiffe://${DEMO_TRUST_DOMAIN}/${name}`;
}
