import { waitFor } from '@rampart/test-support';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueCertificate, type CertificateAuthority, type IssuedCertificate } from '../src/index.js';
import { watchIdentityFiles, type IdentityFileWatcher } from '../src/internal.js';
import { tempDirs } from './support/temp-dir.js';

const dirs = tempDirs();
let ca: CertificateAuthority;
let dir: string;
const watchers: IdentityFileWatcher[] = [];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  ca = await createCa({ commonName: 'identity watcher test CA', validityDays: 1 });
});
afterEach(() => {
  watchers.splice(0).forEach((watcher) => watcher.close());
});
afterAll(() => dirs.cleanup());

const issue = (): Promise<IssuedCertificate> => issueCertificate(ca, { spiffeId: 'spiffe://test.rampart.dev/server', usage: 'server' });

/** A watcher on `<dir>/tls.crt` and `<dir>/tls.key` holding `first`, with what it reports. */
async function watch(first: IssuedCertificate, refreshIntervalMs: number) {
  dir = await dirs.make();
  const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  await writeFile(files.certFile, first.chainPem);
  await writeFile(files.keyFile, first.keyPem);
  const problems: string[] = [];
  const reloads: string[] = [];
  const updates: string[] = [];
  const watcher = watchIdentityFiles({
    ...files,
    refreshIntervalMs,
    names: { certFile: 'transport.tls.certFile', keyFile: 'transport.tls.keyFile' },
    onProblem: (problem) => problems.push(problem),
    onReload: (identity) => reloads.push(identity.serialNumber),
  });
  watchers.push(watcher);
  watcher.addIdentityCertificateListener((update) => updates.push(update === null ? 'null' : update.certificate.toString()));
  expect((await watcher.ready).serialNumber).toBe(first.serialNumber.toUpperCase());
  return { watcher, files, problems, reloads, updates };
}

describe('watchIdentityFiles', () => {
  it('keeps the last good pair while a rotation writes the certificate, then the key, in place; takes the new pair once both are there', async () => {
    const [first, next] = await Promise.all([issue(), issue()]);
    const { watcher, files, problems, reloads, updates } = await watch(first, 100);
    await waitFor(() => updates.length === 1, 'the first pair to be handed out');

    await writeFile(files.certFile, next.chainPem); // in place, the key not yet written
    await sleep(600); // a sleep on purpose: six refreshes of the same mismatched files
    expect(watcher.current?.serialNumber).toBe(first.serialNumber.toUpperCase());
    expect(updates).toEqual([first.chainPem]);
    // Six refreshes of the same mismatch: said once. A read that caught the certificate file empty or half written
    // (writeFile truncates, then writes; more likely on a loaded machine) is another problem, said once too.
    const mismatch = `transport.tls.certFile ${files.certFile} and transport.tls.keyFile ${files.keyFile} are not a usable certificate and private key: the private key does not match the certificate`;
    expect(problems.filter((p) => p === mismatch)).toHaveLength(1);
    expect(problems.at(-1)).toBe(mismatch);
    expect(new Set(problems).size).toBe(problems.length);

    await writeFile(files.keyFile, next.keyPem);
    await waitFor(() => reloads.length === 1, 'the new pair to be taken');
    expect(reloads).toEqual([next.serialNumber.toUpperCase()]);
    expect(updates).toEqual([first.chainPem, next.chainPem]);
  });

  it('keeps the last good pair while a file is half written, naming each problem once', async () => {
    const [first, next] = await Promise.all([issue(), issue()]);
    const { watcher, files, problems, updates } = await watch(first, 3_600_000);

    // The new key whole, the new chain cut inside its second certificate: the leaf parses and matches, TLS refuses.
    await writeFile(files.keyFile, next.keyPem);
    await writeFile(files.certFile, next.chainPem.slice(0, next.certPem.length + 40));
    expect(await watcher.reload()).toMatchObject({ result: 'refused' });
    expect(await watcher.reload()).toMatchObject({ result: 'refused' });
    await writeFile(files.keyFile, next.keyPem.slice(0, 60)); // the key cut short as well
    expect(await watcher.reload()).toMatchObject({ result: 'refused' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/are not a usable certificate and private key: TLS refuses them \(.*\): a certificate chain or key cut short\?$/);
    expect(problems[1]).toMatch(/are not a usable certificate and private key: not valid PEM \(/);
    expect(watcher.current?.serialNumber).toBe(first.serialNumber.toUpperCase());

    await writeFile(files.keyFile, next.keyPem);
    await writeFile(files.certFile, next.chainPem);
    expect(await watcher.reload()).toEqual({ result: 'changed' });
    expect(watcher.current?.serialNumber).toBe(next.serialNumber.toUpperCase());
    expect(updates).toEqual([first.chainPem, next.chainPem]);
  });

  it('a listener that throws on the current pair (handed on the next tick) is reported, not thrown at the process', async () => {
    const first = await issue();
    const { watcher, problems, updates } = await watch(first, 3_600_000);
    watcher.addIdentityCertificateListener(() => {
      throw new Error('listener is broken');
    });
    await waitFor(() => problems.length === 1, 'the report');
    expect(problems).toEqual(['the certificate could not be handed on: listener is broken']);
    expect(updates).toHaveLength(1);
    // A listener removed before its first call (on the next tick) is not called.
    const removed = (): void => {
      throw new Error('called after removal');
    };
    watcher.addIdentityCertificateListener(removed);
    watcher.removeIdentityCertificateListener(removed);
    await new Promise((done) => setImmediate(done));
    expect(problems).toHaveLength(1);
  });

  it('reload() reads at once, whatever the refresh interval, and says what it did', async () => {
    const [first, next, other] = await Promise.all([issue(), issue(), issue()]);
    const { watcher, files, problems, reloads } = await watch(first, 3_600_000);
    expect(await watcher.reload()).toEqual({ result: 'unchanged' });

    await writeFile(files.certFile, next.chainPem);
    await writeFile(files.keyFile, next.keyPem);
    expect(await watcher.reload()).toEqual({ result: 'changed' });
    expect(watcher.current?.serialNumber).toBe(next.serialNumber.toUpperCase());
    expect(reloads).toEqual([next.serialNumber.toUpperCase()]);

    await writeFile(files.keyFile, other.keyPem);
    const refused = await watcher.reload();
    expect(refused).toMatchObject({ result: 'refused', problem: expect.stringMatching(/the private key does not match the certificate$/) });
    expect(problems).toEqual([refused.problem]);
    expect(watcher.current?.serialNumber).toBe(next.serialNumber.toUpperCase());

    // Two reloads asked for at once both read, one after the other.
    await writeFile(files.keyFile, next.keyPem);
    expect(await Promise.all([watcher.reload(), watcher.reload()])).toEqual([{ result: 'unchanged' }, { result: 'unchanged' }]);
  });

  it('rejects ready naming an unreadable file or a pair that does not match', async () => {
    const [first, other] = await Promise.all([issue(), issue()]);
    dir = await dirs.make();
    const certFile = join(dir, 'a.crt');
    const keyFile = join(dir, 'a.key');
    await writeFile(certFile, first.chainPem);
    const missing = watchIdentityFiles({ certFile, keyFile, refreshIntervalMs: 100 });
    watchers.push(missing);
    await expect(missing.ready).rejects.toThrow(`cannot read keyFile ${keyFile}: ENOENT`);

    await writeFile(keyFile, other.keyPem);
    const reloads: string[] = [];
    const mismatched = watchIdentityFiles({ certFile, keyFile, refreshIntervalMs: 100, onReload: (identity) => reloads.push(identity.serialNumber) });
    watchers.push(mismatched);
    await expect(mismatched.ready).rejects.toThrow(
      `certFile ${certFile} and keyFile ${keyFile} are not a usable certificate and private key: the private key does not match the certificate`,
    );
    // A matching key written later is taken by the next read.
    await writeFile(keyFile, first.keyPem);
    await waitFor(() => mismatched.current?.serialNumber === first.serialNumber.toUpperCase(), 'the matching key to be taken');
    expect(reloads).toEqual([first.serialNumber.toUpperCase()]); // news to whoever follows onReload after ready rejected
  });
});
