import { createCa, issueCertificate } from '@rampart/pki';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TokenFetch } from '../../../src/index.js';
import { fetchTrusting } from '../../../src/internal.js';
import type { ServerTls } from './jwks-server.js';

/** A throw-away CA, an https server certificate for `127.0.0.1` and `localhost`, and a fetch that trusts the CA. */
export interface IssuerTls {
  readonly server: ServerTls;
  /** The CA's PEM file (for `auth.issuerCaFile`). */
  readonly caFile: string;
  /** `fetchTrusting(caFile)`: what a verifier of these tests fetches discovery and keys with. */
  readonly fetch: TokenFetch;
  cleanup(): void;
}

export async function issuerTls(): Promise<IssuerTls> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-issuer-tls-'));
  const ca = await createCa({ commonName: 'issuer test CA' });
  const issued = await issueCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server', commonName: 'issuer' });
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  return {
    server: { cert: issued.chainPem, key: issued.keyPem },
    caFile,
    fetch: fetchTrusting(caFile),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
