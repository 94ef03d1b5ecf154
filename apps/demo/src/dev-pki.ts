import { ensureDevPki, type DevPkiPaths } from '@rampart/pki';
import { fileURLToPath } from 'node:url';

/** The demo's trust domain. */
export const DEMO_TRUST_DOMAIN = 'demo.rampart.dev';

/** Where the development PKI lives: a git-ignored folder at the repository root. */
export const DEV_PKI_DIR = fileURLToPath(new URL('../../../.rampart/pki', import.meta.url));

/** Creates the demo's CA and workload certificates if absent or expiring; keeps valid ones. */
export function ensureDemoPki(): Promise<DevPkiPaths> {
  return ensureDevPki({
    dir: DEV_PKI_DIR,
    trustDomain: DEMO_TRUST_DOMAIN,
    workloads: [{ name: 'inventory' }, { name: 'demo-client', dnsNames: [] }],
  });
}
