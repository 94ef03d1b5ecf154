import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { createCa, issueCertificate, type CertificateAuthority, type IssuedCertificate } from '@rampart/pki';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The trust domain of test PKIs. */
export const TEST_TRUST_DOMAIN = 'test.rampart.dev';

/**
 * An ephemeral PKI for one test app: a CA, the server's certificate files in a temporary folder, and client
 * certificates issued on demand for any SPIFFE ID.
 */
export class TestPki {
  readonly #clients = new Map<string, IssuedCertificate>();

  private constructor(
    readonly ca: CertificateAuthority,
    readonly dir: string,
    readonly serverId: string,
  ) {}

  /** Creates the CA and the server certificate (SPIFFE ID `spiffe://test.rampart.dev/<app>`, `localhost`, `127.0.0.1`). */
  static async create(appName: string): Promise<TestPki> {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-test-pki-'));
    const ca = await createCa({ commonName: `${appName} test CA` });
    const serverId = `spiffe://${TEST_TRUST_DOMAIN}/${appName}`;
    const server = await issueCertificate(ca, {
      spiffeId: serverId,
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usage: 'server',
    });
    writeFileSync(join(dir, 'server.pem'), server.chainPem);
    writeFileSync(join(dir, 'server-key.pem'), server.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    return new TestPki(ca, dir, serverId);
  }

  /** Config values that make the app serve TLS from this PKI. */
  get transportValues(): Record<string, unknown> {
    return {
      transport: {
        insecure: false,
        tls: { certFile: join(this.dir, 'server.pem'), keyFile: join(this.dir, 'server-key.pem'), caFile: join(this.dir, 'ca.pem') },
      },
    };
  }

  /** A client certificate for `spiffeId` (a path like `/orders` is taken in the test trust domain), cached. */
  async clientCertificate(spiffeId: string): Promise<IssuedCertificate> {
    const id = spiffeId.startsWith('spiffe://') ? spiffeId : `spiffe://${TEST_TRUST_DOMAIN}${spiffeId}`;
    let issued = this.#clients.get(id);
    if (!issued) {
      issued = await issueCertificate(this.ca, { spiffeId: id, usage: 'client' });
      this.#clients.set(id, issued);
    }
    return issued;
  }

  /** Channel credentials trusting this CA, presenting `client` when given. */
  channelCredentials(client?: { certPem: string; keyPem: string }): ChannelCredentials {
    return credentials.createSsl(
      Buffer.from(this.ca.certPem),
      client ? Buffer.from(client.keyPem) : null,
      client ? Buffer.from(client.certPem) : null,
    );
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
