import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { createCa, issueCertificate, type CertificateAuthority, type IssuedCertificate, type IssueOptions } from '@rampart/pki';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TRUST_DOMAIN = 'test.rampart.dev';
export const SERVER_ID = `spiffe://${TRUST_DOMAIN}/echo`;

/** A temporary folder with a CA, the server's certificate files, and helpers to issue and rotate more. */
export class PkiFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'rampart-tls-'));
  readonly certFile = join(this.dir, 'server.pem');
  readonly keyFile = join(this.dir, 'server-key.pem');
  readonly caFile = join(this.dir, 'ca.pem');
  /** The server certificate last written by {@link rotateServer}. */
  server!: IssuedCertificate;

  private constructor(readonly ca: CertificateAuthority) {}

  static async create(): Promise<PkiFixture> {
    const fixture = new PkiFixture(await createCa({ commonName: 'Rampart test CA' }));
    await fixture.rotateServer();
    fixture.writeAtomic(fixture.caFile, fixture.ca.certPem);
    return fixture;
  }

  /** Issues a server certificate (for the server's SPIFFE ID, localhost and 127.0.0.1) without writing it. */
  issueServer(ca: CertificateAuthority = this.ca): Promise<IssuedCertificate> {
    return issueCertificate(ca, { spiffeId: SERVER_ID, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
  }

  /** Issues a new server certificate and replaces the server's files atomically. */
  async rotateServer(ca: CertificateAuthority = this.ca): Promise<IssuedCertificate> {
    const issued = await this.issueServer(ca);
    this.writeAtomic(this.keyFile, issued.keyPem);
    this.writeAtomic(this.certFile, issued.chainPem);
    this.server = issued;
    return issued;
  }

  client(options: IssueOptions, ca: CertificateAuthority = this.ca): Promise<IssuedCertificate> {
    return issueCertificate(ca, { usage: 'client', ...options });
  }

  /** Replaces a file the way cert-manager and SPIRE helpers do: write a temp file, then rename it over. */
  writeAtomic(file: string, text: string): void {
    const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    writeFileSync(temp, text, { mode: 0o600 });
    renameSync(temp, file);
  }

  /** Rewrites a file in place (truncate, then write: the same inode), the way spiffe-helper writes its files. */
  writeInPlace(file: string, text: string): void {
    writeFileSync(file, text);
  }

  /** Config values for an app serving TLS from this fixture's files. */
  values(refreshIntervalMs = 200): { transport: Record<string, unknown> } {
    return {
      transport: {
        insecure: false,
        tls: { certFile: this.certFile, keyFile: this.keyFile, caFile: this.caFile, refreshIntervalMs },
      },
    };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Client credentials trusting `caPem`, optionally presenting a client certificate. */
export function clientCredentials(caPem: string, client?: { certPem: string; keyPem: string }, onServerCert?: (cert: { raw: Buffer }) => void): ChannelCredentials {
  return credentials.createSsl(
    Buffer.from(caPem),
    client ? Buffer.from(client.keyPem) : null,
    client ? Buffer.from(client.certPem) : null,
    onServerCert
      ? {
          checkServerIdentity: (_host, cert) => {
            onServerCert(cert);
            return undefined;
          },
        }
      : {},
  );
}
