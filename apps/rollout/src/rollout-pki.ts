import { ensureDevPki, type DevPkiPaths } from '@rampart/pki';
import { join } from 'node:path';

/** The demo's trust domain: the replicas run the demo's apps, whose code names these SPIFFE IDs. */
export const TRUST_DOMAIN = 'demo.rampart.dev';

/** The SPIFFE ID of a workload. */
export const spiffeId = (name: string): string => `spiffe://${TRUST_DOMAIN}/${name}`;

/**
 * A CA and workload certificates for one run: the issuer's names its own address (clients reach it by IP), the
 * services are checked by SPIFFE ID, and `load-client` is the caller that drives the load.
 */
export function rolloutPki(dir: string, issuerAddress: string): Promise<DevPkiPaths> {
  return ensureDevPki({
    dir: join(dir, 'pki'),
    trustDomain: TRUST_DOMAIN,
    workloads: [
      { name: 'issuer', dnsNames: ['localhost'], ipAddresses: [issuerAddress, '127.0.0.1'] },
      { name: 'inventory' },
      { name: 'orders' },
      { name: 'load-client', dnsNames: [], ipAddresses: [] },
    ],
  });
}
