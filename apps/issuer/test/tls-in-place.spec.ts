import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { issueCertificate, type IssuedCertificate } from '@rampart/pki';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestPki, removeTestPki, spiffe, startIssuer, type LogLines, type TestPki } from './harness.js';

const REFRESH_MS = 100;
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

const serverCert = (): Promise<IssuedCertificate> =>
  issueCertificate(pki.ca, { spiffeId: spiffe('issuer'), dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });

/** The serial number (upper-case hex) of the certificate a new TLS connection to the issuer is served. */
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

/** New connections for `ms`: the serials they were served, and the failures. */
async function connectFor(port: number, ms: number): Promise<{ served: string[]; failures: unknown[] }> {
  const served: string[] = [];
  const failures: unknown[] = [];
  for (const until = Date.now() + ms; Date.now() < until; ) {
    await servedSerial(port).then(
      (serial) => served.push(serial),
      (error: unknown) => failures.push(error),
    );
    await new Promise((resolve) => setTimeout(resolve, 20)); // a sleep on purpose: one sample every 20 ms for `ms`
  }
  return { served, failures };
}

async function startOnFiles(): Promise<{ port: number; logs: LogLines; files: { certFile: string; keyFile: string; caFile: string } }> {
  const files = { certFile: join(pki.dir, 'issuer.pem'), keyFile: join(pki.dir, 'issuer-key.pem'), caFile: join(pki.dir, 'ca.pem') };
  await writeFile(files.certFile, pki.server.chainPem);
  await writeFile(files.keyFile, pki.server.keyPem);
  await writeFile(files.caFile, pki.ca.certPem);
  const { issuer, port, logs } = await startIssuer(pki, { tlsFiles: { ...files, refreshIntervalMs: REFRESH_MS } });
  stop = () => issuer.close();
  return { port, logs, files };
}

const unusable = (logs: LogLines) => logs.entries.filter((e) => String(e['msg']).startsWith('issuer TLS certificate or key not usable'));

// What spiffe-helper does: the certificate, then the key, then the bundle, each written in place with a pause between.
describe('the issuer TLS files rewritten in place, one after the other', () => {
  it('serves the old certificate on every new connection until the key is written, then the new one', async () => {
    const { port, logs, files } = await startOnFiles();
    const old = pki.server.serialNumber.toUpperCase();
    const next = await serverCert();
    await writeFile(files.certFile, next.chainPem);
    const pause = await connectFor(port, REFRESH_MS * 10);
    expect(pause.failures).toEqual([]);
    expect(new Set(pause.served)).toEqual(new Set([old]));
    expect(unusable(logs)).toHaveLength(1);
    expect(unusable(logs)[0]?.['problem']).toMatch(/the private key does not match the certificate$/);

    await writeFile(files.keyFile, next.keyPem);
    await vi.waitFor(async () => expect(await servedSerial(port)).toBe(next.serialNumber.toUpperCase()), { timeout: 5_000, interval: 50 });
    await writeFile(files.caFile, pki.ca.certPem);
    const after = await connectFor(port, REFRESH_MS * 4);
    expect(after.failures).toEqual([]);
    expect(new Set(after.served)).toEqual(new Set([next.serialNumber.toUpperCase()]));
  });

  it('serves the old certificate while the new chain is half written, and the new one once it is whole', async () => {
    const { port, logs, files } = await startOnFiles();
    const next = await serverCert();
    await writeFile(files.keyFile, next.keyPem);
    await writeFile(files.certFile, next.chainPem.slice(0, next.certPem.length + 40)); // cut inside the CA certificate
    const partial = await connectFor(port, REFRESH_MS * 6);
    expect(partial.failures).toEqual([]);
    expect(new Set(partial.served)).toEqual(new Set([pki.server.serialNumber.toUpperCase()]));
    expect(unusable(logs).at(-1)?.['problem']).toMatch(/TLS refuses them \(.*\): a certificate chain or key cut short\?$/);

    await writeFile(files.certFile, next.chainPem);
    await vi.waitFor(async () => expect(await servedSerial(port)).toBe(next.serialNumber.toUpperCase()), { timeout: 5_000, interval: 50 });
  });
});
