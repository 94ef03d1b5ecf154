import { startDeployed, type DeployedProcess } from '@rampart/testing/internal';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createCa, issueCertificate } from '@rampart/pki';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLIENTS, createTestPki, ORDERS, removeTestPki, spiffe, tokenRequest, WEB, type TestPki } from './harness.js';

/** This package: its `dist/main.js` is the issuer process (turbo builds it before these tests). */
const ISSUER_DIR = fileURLToPath(new URL('..', import.meta.url));

let pki: TestPki | undefined;
let issuer: DeployedProcess | undefined;
afterEach(async () => {
  await issuer?.stop();
  issuer = undefined;
  await removeTestPki(pki);
  pki = undefined;
});

/** The serial number (upper-case hex) of the certificate a new TLS connection to the issuer is served. */
function servedSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial.toUpperCase());
    });
    socket.once('error', reject);
  });
}

const logLines = (process: DeployedProcess): Record<string, unknown>[] =>
  process
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
const reReads = (process: DeployedProcess) => logLines(process).filter((l) => String(l['msg']).startsWith('issuer TLS files re-read'));

describe('SIGHUP to the issuer process', () => {
  it('re-reads its certificate, key and trust bundle at once, and does not end it', async () => {
    const test = (pki = await createTestPki());
    const files = { cert: join(test.dir, 'issuer.pem'), key: join(test.dir, 'issuer-key.pem'), ca: join(test.dir, 'ca.pem') };
    writeFileSync(files.cert, test.server.chainPem);
    writeFileSync(files.key, test.server.keyPem, { mode: 0o600 });
    writeFileSync(files.ca, test.ca.certPem);
    const running = (issuer = await startDeployed(ISSUER_DIR, {
      RAMPART_ISSUER_HOST: '127.0.0.1',
      RAMPART_ISSUER_PORT: '0',
      RAMPART_ISSUER_TLS_CERT_FILE: files.cert,
      RAMPART_ISSUER_TLS_KEY_FILE: files.key,
      RAMPART_ISSUER_TLS_CA_FILE: files.ca,
      RAMPART_ISSUER_TLS_REFRESH_INTERVAL_MS: '3600000', // only a reload picks a change up during the test
      RAMPART_ISSUER_KEYS_FILE: join(test.dir, 'keys.json'),
      RAMPART_ISSUER_CLIENTS: JSON.stringify(CLIENTS),
    }));
    const url = running.listening['url'] as string;
    const port = Number(new URL(url).port);
    expect(await servedSerial(port, test.ca.certPem)).toBe(test.server.serialNumber.toUpperCase());

    // A CA rotation step: the next CA joins the bundle; the web workload already has a certificate from it.
    const ca2 = await createCa({ commonName: 'Issuer test CA 2', validityDays: 1 });
    const web2 = await issueCertificate(ca2, { spiffeId: WEB, usage: 'client' });
    const asWeb2 = () =>
      tokenRequest(url, test, { cert: web2.certPem, key: web2.keyPem, thumbprint: web2.thumbprint }, { grant_type: 'client_credentials', client_id: 'web', resource: ORDERS });
    expect((await asWeb2()).status).toBe(401);

    // Written in place, the way spiffe-helper does before it signals: certificate, key, bundle.
    const next = await issueCertificate(test.ca, { spiffeId: spiffe('issuer'), dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
    writeFileSync(files.cert, next.chainPem);
    writeFileSync(files.key, next.keyPem);
    writeFileSync(files.ca, test.ca.certPem + ca2.certPem);
    running.signal('SIGHUP');
    await vi.waitFor(
      () => {
        expect(running.exited()).toBeUndefined(); // Node's default for SIGHUP ends the process
        expect(reReads(running)).toHaveLength(1);
      },
      { timeout: 3_000, interval: 20 },
    );
    expect(reReads(running)[0]).toMatchObject({
      level: 30,
      trigger: 'SIGHUP',
      certificate: { result: 'changed', serialNumber: next.serialNumber.toUpperCase() },
      trustBundles: { result: 'changed', trustDomains: ['test.rampart.dev'] },
    });
    expect(await servedSerial(port, test.ca.certPem)).toBe(next.serialNumber.toUpperCase());
    expect((await asWeb2()).status).toBe(200);

    running.signal('SIGHUP'); // nothing changed since
    await vi.waitFor(() => expect(reReads(running)).toHaveLength(2), { timeout: 3_000, interval: 20 });
    expect(reReads(running)[1]).toMatchObject({ certificate: { result: 'unchanged' }, trustBundles: { result: 'unchanged' } });
    expect(running.exited()).toBeUndefined();
  });
});
