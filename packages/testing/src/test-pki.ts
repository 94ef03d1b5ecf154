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
    readonly trustDomain: string,
  ) {}

  /**
   * Creates the CA of `trustDomain` (default `test.rampart.dev`) and the server certificate (SPIFFE ID
   * `spiffe://<trust domain>/<app>`, `localhost`, `127.0.0.1`). The CA file is the app's bundle of that trust domain,
   * so client certificates are issued in it: a peer of another trust domain needs a CA of its own, given to the app
   * as a federated bundle (`transport.tls.federatedBundles`).
   */
  static async create(appName: string, trustDomain: string = TEST_TRUST_DOMAIN): Promise<TestPki> {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-test-pki-'));
    const ca = await createCa({ commonName: `${appName} test CA` });
    const serverId = `spiffe://${trustDomain}/${appName}`;
    const server = await issueCertificate(ca, {
      spiffeId: serverId,
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usage: 'server',
    });
    writeFileSync(join(dir, 'server.pem'), server.chainPem);
    writeFileSync(join(dir, 'server-key.pem'), server.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    return new TestPki(ca, dir, serverId, trustDomain);
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

  /**
   * A client certificate for `spiffeId` (a path like `/orders` is taken in this PKI's trust domain), cached.
   *
   * @throws Error for an ID of another trust domain: this CA is not its bundle, so the app would refuse it.
   */
  async clientCertificate(spiffeId: string): Promise<IssuedCertificate> {
    const id = spiffeId.startsWith('spiffe://') ? spiffeId : `spiffe://${this.trustDomain}${spiffeId}`;
    if (!id.startsWith(`spiffe://${this.trustDomain}/`)) {
      throw new Error(
        `TestPki: ${id} is not in the app's trust domain ${this.trustDomain}, whose CA this is. ` +
          `Fix: pass trustDomain to startTestApp, or give another trust domain's CA as transport.tls.federatedBundles`,
      );
    }
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
