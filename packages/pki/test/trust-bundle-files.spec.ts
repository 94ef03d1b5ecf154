import { waitFor } from '@rampart/test-support';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, formatSpiffeBundle, issueCertificate, type CertificateAuthority } from '../src/index.js';
import { loadTrustBundles } from '../src/trust-bundle-files.js';
import { watchTrustBundles, type TrustBundleSources } from '../src/internal.js';
import { tempDirs } from './support/temp-dir.js';

const dirs = tempDirs();
let dir: string;
let ours: CertificateAuthority;
let partner: CertificateAuthority;
let sources: TrustBundleSources;

const names = {
  caFile: 'transport.tls.caFile',
  trustDomain: 'transport.tls.trustDomain',
  certFile: 'transport.tls.certFile',
  federatedBundles: 'transport.tls.federatedBundles',
};

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
  return file;
}

beforeAll(async () => {
  dir = await dirs.make();
  [ours, partner] = await Promise.all([createCa({ commonName: 'ours CA' }), createCa({ commonName: 'partner CA' })]);
  const workload = await issueCertificate(ours, { spiffeId: 'spiffe://ours.example/orders' });
  sources = {
    caFile: await write('ca.pem', ours.certPem),
    certFile: await write('orders.pem', workload.chainPem),
    federatedBundles: { 'partner.example': await write('partner.json', formatSpiffeBundle([partner.certPem])) },
    names,
  };
});
afterAll(() => dirs.cleanup());

describe('loadTrustBundles', () => {
  it("maps caFile to the trust domain of certFile's SPIFFE ID and each federated bundle to its trust domain", async () => {
    const bundles = await loadTrustBundles(sources);
    expect(bundles.trustDomain).toBe('ours.example');
    expect(bundles.bundleFor('ours.example')?.map((c) => c.subject)).toEqual(['CN=ours CA']);
    expect(bundles.bundleFor('partner.example')?.map((c) => c.subject)).toEqual(['CN=partner CA']);
  });

  it('takes a configured trust domain over the certificate', async () => {
    const bundles = await loadTrustBundles({ ...sources, trustDomain: 'prod.ours.example' });
    expect(bundles.trustDomain).toBe('prod.ours.example');
  });

  it.each([
    ['a missing federated bundle', { federatedBundles: { 'partner.example': '/nonexistent/p.json' } }, 'cannot read transport.tls.federatedBundles["partner.example"] /nonexistent/p.json: ENOENT'],
    ['a missing caFile', { caFile: '/nonexistent/ca.pem' }, 'cannot read transport.tls.caFile /nonexistent/ca.pem: ENOENT'],
    ['a bad trust domain name', { federatedBundles: { 'Partner.Example': 'p.json' } }, /^transport\.tls\.federatedBundles: "Partner\.Example" is not a trust domain name \(trust domain may only contain lowercase/],
    ['an empty bundle path', { federatedBundles: { 'partner.example': '' } }, 'transport.tls.federatedBundles["partner.example"] must be a non-empty file path'],
    ['the own trust domain as a federated one', { federatedBundles: { 'ours.example': 'CA' } }, /^transport\.tls\.federatedBundles\["ours\.example"\]: ours\.example is this workload's own trust domain, whose bundle is transport\.tls\.caFile\. Fix: remove it/],
    ['no trust domain and no SPIFFE ID in certFile', { certFile: 'DNS' }, /^transport\.tls\.trustDomain is not set and transport\.tls\.certFile .* carries no SPIFFE ID to take it from\. Fix: set transport\.tls\.trustDomain/],
  ] as [string, Partial<TrustBundleSources>, string | RegExp][])('refuses %s, naming the setting', async (_name, override, message) => {
    const dnsOnly = await write('dns.pem', (await issueCertificate(ours, { dnsNames: ['orders.internal'] })).certPem);
    const patched: TrustBundleSources = {
      ...sources,
      ...override,
      ...(override.certFile === 'DNS' ? { certFile: dnsOnly } : {}),
      ...(override.federatedBundles?.['ours.example'] === 'CA' ? { federatedBundles: { 'ours.example': sources.caFile } } : {}),
    };
    await expect(loadTrustBundles(patched)).rejects.toThrow(message);
  });
});

describe('CAs that name their trust domain (SPIRE-style URI SAN)', () => {
  it("refuses a bundle that lists another trust domain's CA, as the old advice to concatenate bundles did", async () => {
    const spirePartner = await createCa({ commonName: 'partner SPIRE CA', trustDomain: 'partner.example' });
    const caFile = await write('concatenated.pem', ours.certPem + spirePartner.certPem);
    await expect(loadTrustBundles({ ...sources, caFile })).rejects.toThrow(
      `transport.tls.caFile ${caFile} holds the CA "CN=partner SPIRE CA" of trust domain partner.example (URI SAN spiffe://partner.example) as a CA of ours.example: it would vouch for ours.example's workloads. Fix: give it as the bundle of partner.example in transport.tls.federatedBundles`,
    );
    const federatedBundles = { 'partner.example': await write('spire-partner.json', formatSpiffeBundle([spirePartner.certPem])) };
    const bundles = await loadTrustBundles({ ...sources, federatedBundles });
    expect(bundles.bundleFor('partner.example')?.map((c) => c.subject)).toEqual(['CN=partner SPIRE CA']);
  });
});

describe('watchTrustBundles', () => {
  it('hands listeners the union, follows a changed bundle, and keeps the last good bundles when a file breaks', async () => {
    const caFile = await write('watched-ca.pem', ours.certPem);
    const problems: string[] = [];
    const watcher = watchTrustBundles({ ...sources, caFile }, { refreshIntervalMs: 100, onProblem: (p) => problems.push(p) });
    try {
      const updates: string[] = [];
      watcher.addCaCertificateListener((update) => updates.push(update?.caCertificate.toString() ?? 'null'));
      await watcher.ready;
      await waitFor(() => updates.length === 1, 'the first bundle to be handed out');
      expect(updates[0]).toContain(ours.certPem.trim());
      expect(updates[0]).toContain(partner.certPem.trim());

      await write('watched-ca.pem', 'half written');
      await waitFor(() => problems.length === 1, 'the half-written file to be reported');
      expect(problems[0]).toContain(`transport.tls.caFile ${caFile} holds no usable PEM certificate`);
      expect(watcher.current?.bundleFor('ours.example')?.map((c) => c.subject)).toEqual(['CN=ours CA']);

      const next = await createCa({ commonName: 'next CA' });
      await write('watched-ca.pem', ours.certPem + next.certPem);
      await waitFor(() => updates.length === 2, 'the new bundle to be handed out');
      expect(watcher.current?.bundleFor('ours.example')?.map((c) => c.subject)).toEqual(['CN=ours CA', 'CN=next CA']);
      expect(updates).not.toContain('null');
    } finally {
      watcher.close();
    }
  });
});

describe('a watcher whose first read failed', () => {
  it('does not repeat its problem (ready said it), and hands the first usable bundles to onReload as well as to CA listeners', async () => {
    const caFile = await write('late-ca.pem', 'being written');
    const problems: string[] = [];
    const reloads: string[][] = [];
    const cas: string[] = [];
    const watcher = watchTrustBundles(
      { ...sources, caFile },
      { refreshIntervalMs: 3_600_000, onProblem: (p) => problems.push(p), onReload: (b) => reloads.push(b.trustDomains) },
    );
    try {
      watcher.addCaCertificateListener((update) => update && cas.push(update.caCertificate.toString()));
      await expect(watcher.ready).rejects.toThrow(/holds no usable PEM certificate/);
      expect(await watcher.reload()).toMatchObject({ result: 'refused', problem: expect.stringContaining(`${caFile} holds no usable PEM certificate`) });
      expect(problems).toEqual([]);
      await write('late-ca.pem', ours.certPem);
      expect(await watcher.reload()).toEqual({ result: 'changed' });
      expect(reloads).toEqual([['ours.example', 'partner.example']]);
      expect(cas).toHaveLength(1);
      expect(await watcher.reload()).toEqual({ result: 'unchanged' });
      expect(reloads).toHaveLength(1);
    } finally {
      watcher.close();
    }
  });
});

describe('a CA listener that throws', () => {
  it('is reported and stops nothing: the other listeners get the changed bundle, and it stays in use', async () => {
    const caFile = await write('listened-ca.pem', ours.certPem);
    const problems: string[] = [];
    const watcher = watchTrustBundles({ ...sources, caFile }, { refreshIntervalMs: 3_600_000, onProblem: (p) => problems.push(p) });
    try {
      const updates: string[] = [];
      // The broken listener goes first, so an unguarded throw would skip the one after it.
      watcher.addCaCertificateListener(() => {
        throw new Error('listener is broken');
      });
      watcher.addCaCertificateListener((update) => update && updates.push(update.caCertificate.toString()));
      await watcher.ready;
      await waitFor(() => updates.length === 1 && problems.length === 1, 'the first bundle (on the next tick)');
      const next = await createCa({ commonName: 'next CA' });
      await write('listened-ca.pem', next.certPem); // the old CA is removed
      expect(await watcher.reload()).toEqual({ result: 'changed' });
      expect(updates).toHaveLength(2);
      expect(updates[1]).toContain(next.certPem.trim());
      expect(updates[1]).not.toContain(ours.certPem.trim());
      expect(problems).toEqual(Array(2).fill('the new trust bundle could not be handed on: listener is broken'));
      expect(await watcher.reload()).toEqual({ result: 'unchanged' });
      // A listener removed before its first call (on the next tick) is not called.
      const removed = (): void => {
        throw new Error('called after removal');
      };
      watcher.addCaCertificateListener(removed);
      watcher.removeCaCertificateListener(removed);
      await new Promise((done) => setImmediate(done));
      expect(problems).toHaveLength(2);
    } finally {
      watcher.close();
    }
  });
});

describe('TrustBundleWatcher.reload', () => {
  it('reads the files at once, whatever the refresh interval, and says what it did', async () => {
    const caFile = await write('reloaded-ca.pem', ours.certPem);
    const reloads: string[][] = [];
    const watcher = watchTrustBundles({ ...sources, caFile }, { refreshIntervalMs: 3_600_000, onReload: (b) => reloads.push(b.trustDomains) });
    try {
      await watcher.ready;
      expect(await watcher.reload()).toEqual({ result: 'unchanged' });
      const next = await createCa({ commonName: 'next CA' });
      await write('reloaded-ca.pem', ours.certPem + next.certPem);
      expect(await watcher.reload()).toEqual({ result: 'changed' });
      expect(watcher.current?.bundleFor('ours.example')?.map((c) => c.subject)).toEqual(['CN=ours CA', 'CN=next CA']);
      expect(reloads).toHaveLength(1);
      await write('reloaded-ca.pem', 'half written');
      expect(await watcher.reload()).toMatchObject({ result: 'refused', problem: expect.stringContaining('holds no usable PEM certificate') });
      expect(watcher.current?.bundleFor('ours.example')).toHaveLength(2);
    } finally {
      watcher.close();
    }
  });
});

