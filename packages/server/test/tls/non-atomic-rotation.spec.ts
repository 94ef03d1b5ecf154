import { createLogger } from '@rampart/telemetry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, type RampartApp } from '../../src/index.js';
import { PingService } from '../fixtures/echo-service.js';
import { protoRoot, testConfigValues } from '../fixtures/harness.js';
import { PkiFixture } from './pki-fixture.js';
import { connectFor, servedCertificate } from './served-certificate.js';

const REFRESH_MS = 100;

let pki: PkiFixture;
let app: RampartApp | undefined;
afterEach(async () => {
  await app?.close({ graceMs: 200 });
  app = undefined;
  pki?.cleanup();
});

async function start(): Promise<{ address: string; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'rotation', level: 'info', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  app = await createApp({
    name: 'non-atomic-rotation',
    services: [PingService],
    protos: { root: protoRoot },
    config: { values: { ...testConfigValues, ...pki.values(REFRESH_MS) }, env: {} },
    logger,
    handleSignals: false,
  });
  const { port } = await app.listen();
  return { address: `127.0.0.1:${port}`, lines };
}

const messages = (lines: Record<string, unknown>[], msg: string) => lines.filter((l) => l['msg'] === msg);

// What spiffe-helper does: the certificate, then the key, then the bundle, each written in place with a pause between.
// grpc-js's FileWatcherCertificateProvider handed the new certificate with the old key to TLS at the first refresh in
// the pause, and every new connection failed until the key was written and read.
describe('a rotation that writes the certificate and key in place, one after the other', () => {
  it('keeps serving the old pair on new connections until the key is written, then serves the new one', async () => {
    pki = await PkiFixture.create();
    const { address, lines } = await start();
    const old = pki.server;
    expect(await servedCertificate(address, pki.ca.certPem)).toBe(old.thumbprint);

    const next = await pki.issueServer();
    pki.writeInPlace(pki.certFile, next.chainPem);
    const pause = await connectFor(address, pki.ca.certPem, REFRESH_MS * 10);
    expect(pause.failures).toEqual([]);
    expect(pause.served.length).toBeGreaterThan(5);
    expect(new Set(pause.served)).toEqual(new Set([old.thumbprint]));
    const refused = messages(lines, 'TLS certificate or key not usable; the previous ones stay in use until fixed');
    // Ten refreshes found the same mismatch: said once. A read already under way while the certificate was written
    // (on the thread pool) can catch it half written: another problem, said once too.
    const problems = refused.map((line) => String(line['problem']));
    const mismatch = /transport\.tls\.certFile .* and transport\.tls\.keyFile .* are not a usable certificate and private key: the private key does not match the certificate$/;
    expect(problems.filter((p) => mismatch.test(p))).toHaveLength(1);
    expect(problems.at(-1)).toMatch(mismatch);
    expect(new Set(problems).size).toBe(problems.length);

    pki.writeInPlace(pki.keyFile, next.keyPem);
    await vi.waitFor(async () => expect(await servedCertificate(address, pki.ca.certPem)).toBe(next.thumbprint), { timeout: 5_000, interval: 50 });
    expect(messages(lines, 'TLS certificate reloaded').at(-1)).toMatchObject({ serialNumber: next.serialNumber.toUpperCase() });

    pki.writeInPlace(pki.caFile, pki.ca.certPem); // the bundle last, unchanged here
    const after = await connectFor(address, pki.ca.certPem, REFRESH_MS * 4);
    expect(after.failures).toEqual([]);
    expect(new Set(after.served)).toEqual(new Set([next.thumbprint]));
  });

  it('keeps serving the old pair while the new chain is half written, and takes it once complete', async () => {
    pki = await PkiFixture.create();
    const { address, lines } = await start();
    const old = pki.server;
    const next = await pki.issueServer();
    pki.writeInPlace(pki.keyFile, next.keyPem); // the key first, whole: it does not match the old certificate
    pki.writeInPlace(pki.certFile, next.chainPem.slice(0, next.certPem.length + 40)); // the chain cut in its second certificate
    const partial = await connectFor(address, pki.ca.certPem, REFRESH_MS * 6);
    expect(partial.failures).toEqual([]);
    expect(new Set(partial.served)).toEqual(new Set([old.thumbprint]));
    expect(messages(lines, 'TLS certificate or key not usable; the previous ones stay in use until fixed').at(-1)?.['problem']).toMatch(
      /TLS refuses them \(.*\): a certificate chain or key cut short\?$/,
    );

    pki.writeInPlace(pki.certFile, next.chainPem);
    await vi.waitFor(async () => expect(await servedCertificate(address, pki.ca.certPem)).toBe(next.thumbprint), { timeout: 5_000, interval: 50 });
  });
});
