import { createCa } from '@rampart/pki';
import { createLogger } from '@rampart/telemetry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, type RampartApp } from '../../src/index.js';
import { PingService } from '../fixtures/echo-service.js';
import { protoRoot, testConfigValues } from '../fixtures/harness.js';
import { startChildApp, type ChildApp } from './child-app.js';
import { PkiFixture } from './pki-fixture.js';
import { servedCertificate } from './served-certificate.js';

/** So long that only a reload can pick a change up during a test. */
const NEVER_MS = 3_600_000;

let pki: PkiFixture | undefined;
let child: ChildApp | undefined;
const apps: RampartApp[] = [];
afterEach(async () => {
  await child?.kill();
  child = undefined;
  for (const app of apps.splice(0)) await app.close({ graceMs: 200 });
  pki?.cleanup();
  pki = undefined;
});

const reReads = (lines: Record<string, unknown>[]) => lines.filter((l) => String(l['msg']).startsWith('TLS files re-read'));

describe('SIGHUP', () => {
  it('makes a server process re-read its certificate, key and trust bundle at once, and does not end it', async () => {
    const fixture = (pki = await PkiFixture.create());
    child = await startChildApp({ ...testConfigValues, log: { level: 'info' }, ...fixture.values(NEVER_MS) });
    const old = fixture.server;
    expect(await servedCertificate(child.address, fixture.ca.certPem)).toBe(old.thumbprint);

    // A CA rotation step, written in place the way spiffe-helper does before it signals: certificate, key, bundle.
    const ca2 = await createCa({ commonName: 'Rampart test CA 2' });
    const next = await fixture.issueServer(ca2);
    fixture.writeInPlace(fixture.certFile, next.chainPem);
    fixture.writeInPlace(fixture.keyFile, next.keyPem);
    fixture.writeInPlace(fixture.caFile, fixture.ca.certPem + ca2.certPem);
    process.kill(child.pid, 'SIGHUP');

    const running = child;
    await vi.waitFor(
      () => {
        expect(running.exited()).toBeUndefined(); // Node's default for SIGHUP ends the process
        expect(reReads(running.lines())).toHaveLength(1);
      },
      { timeout: 2_000, interval: 20 },
    );
    expect(reReads(running.lines())[0]).toMatchObject({
      level: 30,
      trigger: 'SIGHUP',
      certificate: { result: 'changed', serialNumber: next.serialNumber.toUpperCase() },
      trustBundles: { result: 'changed' },
    });
    expect(await servedCertificate(running.address, ca2.certPem)).toBe(next.thumbprint);

    process.kill(running.pid, 'SIGHUP'); // nothing changed since
    await vi.waitFor(() => expect(reReads(running.lines())).toHaveLength(2), { timeout: 2_000, interval: 20 });
    expect(reReads(running.lines())[1]).toMatchObject({ certificate: { result: 'unchanged' }, trustBundles: { result: 'unchanged' } });
    expect(running.exited()).toBeUndefined();
    expect(await servedCertificate(running.address, ca2.certPem)).toBe(next.thumbprint);
  });

  it('reloads every app in the process through one listener, refuses a pair that does not match, and is Node\'s default again once they close', async () => {
    const fixture = (pki = await PkiFixture.create());
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ name: 'sighup', level: 'info', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
    const before = process.listenerCount('SIGHUP');
    const addresses: string[] = [];
    for (const name of ['first', 'second']) {
      const app = await createApp({
        name,
        services: [PingService],
        protos: { root: protoRoot },
        config: { values: { ...testConfigValues, ...fixture.values(NEVER_MS) }, env: {} },
        logger,
      });
      apps.push(app);
      addresses.push((await app.listen()).address);
    }
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);

    const next = await fixture.issueServer();
    fixture.writeInPlace(fixture.certFile, next.chainPem); // the key not written yet: refused, the old pair stays
    process.emit('SIGHUP', 'SIGHUP');
    await vi.waitFor(() => expect(reReads(lines)).toHaveLength(2), { timeout: 2_000, interval: 20 });
    for (const line of reReads(lines)) {
      expect(line).toMatchObject({ level: 50, msg: 'TLS files re-read: some refused, the previous ones stay in use', certificate: { result: 'refused' } });
    }
    for (const address of addresses) expect(await servedCertificate(address, fixture.ca.certPem)).toBe(fixture.server.thumbprint);

    fixture.writeInPlace(fixture.keyFile, next.keyPem);
    process.emit('SIGHUP', 'SIGHUP');
    await vi.waitFor(() => expect(reReads(lines)).toHaveLength(4), { timeout: 2_000, interval: 20 });
    for (const address of addresses) expect(await servedCertificate(address, fixture.ca.certPem)).toBe(next.thumbprint);

    for (const app of apps.splice(0)) await app.close({ graceMs: 200 });
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});
