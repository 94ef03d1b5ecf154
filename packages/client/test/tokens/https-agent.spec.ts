import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RotatingTlsAgent } from '../../src/tokens/https-agent.js';
import { BILLING, createCa, issueCertificate, ORDERS, tempDir, writeClientFiles, type TempDir } from '../tls/support/pki-dir.js';
import type { CertificateAuthority } from '@rampart/pki';

// The token client's HTTPS agent presents the workload certificate to the issuer. A rotation that writes the
// certificate, then the key, in place must not leave it with a pair TLS refuses (every token request failed with
// "key values mismatch" until the key was written).
describe('RotatingTlsAgent', () => {
  let tmp: TempDir;
  let ca: CertificateAuthority;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    tmp = await tempDir();
    ca = await createCa({ commonName: 'token agent CA', validityDays: 1 });
    const issued = await issueCertificate(ca, { spiffeId: 'spiffe://demo.rampart.dev/issuer', dnsNames: ['localhost'], usage: 'server' });
    // Answers with the serial number of the client certificate the connection presented.
    server = createServer({ cert: issued.chainPem, key: issued.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) =>
      res.end((req.socket as TLSSocket).getPeerX509Certificate()?.serialNumber ?? ''),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await tmp?.remove();
  });

  it('keeps the last good certificate and key while the files are not a matching pair, says so once, and takes the new pair once complete', async () => {
    const files = await writeClientFiles(tmp, 'token-agent', ca, { spiffeId: ORDERS });
    const problems: string[] = [];
    const agent = new RotatingTlsAgent(files, (problem) => problems.push(problem));
    const presented = async (): Promise<string> => (await (await fetch(url, { dispatcher: agent.current() })).text()).toUpperCase();
    try {
      const first = await presented();

      const rotated = await issueCertificate(ca, { spiffeId: BILLING, usage: 'client' });
      await writeFile(files.certFile, rotated.certPem); // in place; the key still the old one
      expect(await presented()).toBe(first);
      expect(await presented()).toBe(first);
      await writeFile(files.keyFile, rotated.keyPem.slice(0, 80)); // the key half written
      expect(await presented()).toBe(first);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toBe(
        `certFile ${files.certFile} and keyFile ${files.keyFile} are not a usable certificate and private key: the private key does not match the certificate`,
      );
      expect(problems[1]).toMatch(/are not a usable certificate and private key: not valid PEM \(/);

      await writeFile(files.keyFile, rotated.keyPem);
      expect(await presented()).toBe(rotated.serialNumber.toUpperCase());
    } finally {
      await agent.close();
    }
  });

  it('forIdentity presents exactly the pair it is given, whatever the files hold now, and keeps the agents of the two latest', async () => {
    const files = await writeClientFiles(tmp, 'token-agent-pinned', ca, { spiffeId: ORDERS });
    const agent = new RotatingTlsAgent(files);
    const presented = async (dispatcher: ReturnType<RotatingTlsAgent['current']>): Promise<string> =>
      (await (await fetch(url, { dispatcher })).text()).toUpperCase();
    try {
      const a = await issueCertificate(ca, { spiffeId: ORDERS, usage: 'client' });
      const b = await issueCertificate(ca, { spiffeId: ORDERS, usage: 'client' });
      const identity = (c: typeof a) => ({ certificate: Buffer.from(c.certPem), privateKey: Buffer.from(c.keyPem), fingerprint256: c.serialNumber });
      expect(await presented(agent.forIdentity(identity(a)))).toBe(a.serialNumber.toUpperCase());
      expect(await presented(agent.forIdentity(identity(b)))).toBe(b.serialNumber.toUpperCase());
      expect(agent.forIdentity(identity(a))).toBe(agent.forIdentity(identity(a)));
    } finally {
      await agent.close();
    }
  });
});
