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

  it('keeps the last good trust bundle while the bundle file is half written, and takes it once complete', async () => {
    const files = await writeClientFiles(tmp, 'token-agent-bundle', ca, { spiffeId: ORDERS });
    const problems: string[] = [];
    const agent = new RotatingTlsAgent(files, (problem) => problems.push(problem));
    try {
      const first = agent.current();
      await writeFile(files.caFile, ca.certPem.slice(0, 70));
      expect(agent.current()).toBe(first);
      expect(problems).toEqual([expect.stringMatching(/; the previous trust bundle stays in use$/)]);
      expect(await (await fetch(url, { dispatcher: agent.current() })).text()).not.toBe('');
      await writeFile(files.caFile, ca.certPem);
      expect(agent.current()).not.toBe(first);
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

  it('forIdentity trusts the bundle as it is now: an issuer moved to a new CA during the overlap is still reached; a half-written bundle keeps the last good one', async () => {
    const files = await writeClientFiles(tmp, 'token-agent-ca-rotation', ca, { spiffeId: ORDERS });
    const problems: string[] = [];
    const agent = new RotatingTlsAgent(files, (p) => problems.push(p));
    const next = await createCa({ commonName: 'token agent CA 2', validityDays: 1 });
    // The issuer after its CA switch: a certificate from the new CA; it accepts clients of both during the overlap.
    const moved = await issueCertificate(next, { spiffeId: 'spiffe://demo.rampart.dev/issuer', dnsNames: ['localhost'], usage: 'server' });
    const overlap = `${ca.certPem.trimEnd()}\n${next.certPem}`;
    const switched = createServer({ cert: moved.chainPem, key: moved.keyPem, ca: overlap, requestCert: true, rejectUnauthorized: true }, (req, res) =>
      res.end((req.socket as TLSSocket).getPeerX509Certificate()?.serialNumber ?? ''),
    );
    await new Promise<void>((resolve) => switched.listen(0, '127.0.0.1', resolve));
    const switchedUrl = `https://localhost:${(switched.address() as AddressInfo).port}/`;
    const mine = await issueCertificate(ca, { spiffeId: ORDERS, usage: 'client' });
    const identity = { certificate: Buffer.from(mine.certPem), privateKey: Buffer.from(mine.keyPem), fingerprint256: mine.serialNumber };
    const presented = async (target: string): Promise<string> => (await (await fetch(target, { dispatcher: agent.forIdentity(identity) })).text()).toUpperCase();
    try {
      expect(await presented(url)).toBe(mine.serialNumber.toUpperCase()); // the agent pinned with the old bundle
      await expect(presented(switchedUrl)).rejects.toThrow(); // the new CA is not trusted yet

      await writeFile(files.caFile, overlap); // the overlap bundle arrives
      expect(await presented(switchedUrl)).toBe(mine.serialNumber.toUpperCase());

      const pinned = agent.forIdentity(identity);
      await writeFile(files.caFile, overlap.slice(0, 60)); // rewritten in place, read half written
      expect(agent.forIdentity(identity)).toBe(pinned);
      expect(await presented(switchedUrl)).toBe(mine.serialNumber.toUpperCase());
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^caFile ${files.caFile}.*; the previous trust bundle stays in use$`))]);
    } finally {
      await agent.close();
      await new Promise((resolve) => switched.close(resolve));
      switched.closeAllConnections();
    }
  });
});
