import { waitFor } from '@rampart/test-support';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { issueCertificate, type IssuedCertificate } from '@rampart/pki';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIssuer, tlsProblem } from '../src/index.js';
import { CLIENTS, createTestPki, removeTestPki, spiffe, startIssuer, type LogLines, type TestPki } from './harness.js';

let pki: TestPki;
let stop: (() => Promise<void>) | undefined;

beforeEach(async () => {
  pki = await createTestPki();
});
afterEach(async () => {
  await stop?.();
  stop = undefined;
  await removeTestPki(pki);
});

const serverCert = (options: { notBefore?: Date; notAfter?: Date } = {}): Promise<IssuedCertificate> =>
  issueCertificate(pki.ca, { spiffeId: spiffe('issuer'), dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server', ...options });

/** The serial number of the certificate a new TLS connection to the issuer is served (upper-case hex). */
function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: pki.ca.certPem, cert: pki.clients.web.cert, key: pki.clients.web.key, servername: 'localhost' }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial.toUpperCase());
    });
    socket.once('error', reject);
  });
}

/** Starts the issuer on files in the test folder, re-read every 100 ms. */
async function startOnFiles(): Promise<{ port: number; logs: LogLines; files: { certFile: string; keyFile: string; caFile: string } }> {
  const files = { certFile: join(pki.dir, 'issuer.pem'), keyFile: join(pki.dir, 'issuer-key.pem'), caFile: join(pki.dir, 'ca.pem') };
  await writeFile(files.certFile, pki.server.chainPem);
  await writeFile(files.keyFile, pki.server.keyPem);
  await writeFile(files.caFile, pki.ca.certPem);
  const { issuer, port, logs } = await startIssuer(pki, { tlsFiles: { ...files, refreshIntervalMs: 100 } });
  stop = () => issuer.close();
  return { port, logs, files };
}

const messages = (logs: LogLines): string[] => logs.entries.map((e) => String(e['msg']));

describe('the issuer TLS certificate', () => {
  it('is replaced for new connections when its files change, without a restart', async () => {
    const { port, logs, files } = await startOnFiles();
    expect(await servedSerial(port)).toBe(pki.server.serialNumber.toUpperCase());
    const next = await serverCert();
    await writeFile(files.keyFile, next.keyPem);
    await writeFile(files.certFile, next.chainPem);
    await waitFor(async () => (await servedSerial(port)) === next.serialNumber.toUpperCase(), 'new connections to be served the new certificate');
    expect(messages(logs)).toContain('issuer TLS certificate reloaded');
  });

  it('keeps serving the previous certificate while the files are unusable, and says why once', async () => {
    const { port, logs, files } = await startOnFiles();
    const next = await serverCert();
    await writeFile(files.certFile, next.chainPem); // the key not yet replaced: they do not match
    const message = 'issuer TLS certificate or key not usable; the previous ones stay in use until fixed';
    await waitFor(() => messages(logs).includes(message), 'the unusable pair to be reported');
    await new Promise((r) => setTimeout(r, 350)); // a sleep on purpose: three more checks of the same files, said once
    expect(await servedSerial(port)).toBe(pki.server.serialNumber.toUpperCase());
    const unusable = logs.entries.filter((e) => e['msg'] === message);
    expect(unusable).toHaveLength(1);
    expect(unusable[0]?.['problem']).toBe(
      `issuer.tls.certFile ${files.certFile} and issuer.tls.keyFile ${files.keyFile} are not a usable certificate and private key: the private key does not match the certificate`,
    );
    await writeFile(files.keyFile, next.keyPem);
    await waitFor(async () => (await servedSerial(port)) === next.serialNumber.toUpperCase(), 'the completed pair to be served');
  });

  it('refuses an expired or mismatched set at start-up and in updateTls, keeping the one it serves', async () => {
    const expired = await serverCert({ notBefore: new Date(Date.now() - 3 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    expect(tlsProblem({ cert: expired.chainPem, key: expired.keyPem, ca: pki.ca.certPem })).toMatch(/^the certificate expired at /);
    await expect(
      createIssuer({
        tls: { cert: pki.server.chainPem, key: pki.clients.web.key, ca: pki.ca.certPem },
        keysFile: join(pki.dir, 'keys.json'),
        clients: CLIENTS,
      }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringMatching(/^issuer TLS: the private key does not match the certificate\. Fix: /) });
    const { issuer, port } = await startIssuer(pki);
    stop = () => issuer.close();
    expect(() => issuer.updateTls({ cert: expired.chainPem, key: expired.keyPem, ca: pki.ca.certPem })).toThrow(/issuer TLS: the certificate expired/);
    expect(await servedSerial(port)).toBe(pki.server.serialNumber.toUpperCase());
  });
});
