import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDevPki, issueCertificate, loadCa, thumbprintOfPem, type DevPkiOptions, type DevPkiPaths } from '../src/index.js';
import { tempDirs } from './support/temp-dir.js';

const HOUR = 3_600_000;
const TRUST_DOMAIN = 'demo.rampart.dev';
const posixOnly = process.platform === 'win32' ? it.skip : it;

const temp = tempDirs();
afterEach(() => temp.cleanup());

async function options(extra: Partial<DevPkiOptions> = {}): Promise<DevPkiOptions> {
  return {
    dir: join(await temp.make(), 'pki'),
    trustDomain: TRUST_DOMAIN,
    workloads: [{ name: 'inventory' }, { name: 'orders', path: '/ns/demo/orders', dnsNames: [], ipAddresses: [] }],
    ...extra,
  };
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function thumbprints(paths: DevPkiPaths): Promise<Record<string, string>> {
  const entries = [['ca', paths.caCert], ...Object.entries(paths.workloads).map(([name, files]) => [name, files.cert])];
  return Object.fromEntries(
    await Promise.all(entries.map(async ([name, file]) => [name, thumbprintOfPem(await readFile(file!, 'utf8'))])),
  ) as Record<string, string>;
}

function workload(paths: DevPkiPaths, name: string): DevPkiPaths['workloads'][string] {
  const files = paths.workloads[name];
  if (files === undefined) throw new Error(`no workload ${name}`);
  return files;
}

describe('ensureDevPki', () => {
  it('creates the CA and one certificate, key and chain per workload', async () => {
    const opts = await options();
    const paths = await ensureDevPki(opts);

    expect(paths.dir).toBe(opts.dir);
    expect(paths.caCert).toBe(join(opts.dir, 'ca.pem'));
    expect(paths.caKey).toBe(join(opts.dir, 'ca-key.pem'));
    expect(workload(paths, 'inventory')).toEqual({
      cert: join(opts.dir, 'inventory.pem'),
      key: join(opts.dir, 'inventory-key.pem'),
      chain: join(opts.dir, 'inventory-chain.pem'),
      spiffeId: 'spiffe://demo.rampart.dev/inventory',
    });
    expect(workload(paths, 'orders').spiffeId).toBe('spiffe://demo.rampart.dev/ns/demo/orders');
    expect((await readdir(opts.dir)).sort()).toEqual(
      [
        'ca-key.pem',
        'ca.pem',
        'inventory-chain.pem',
        'inventory-key.pem',
        'inventory.pem',
        'orders-chain.pem',
        'orders-key.pem',
        'orders.pem',
      ].sort(),
    );

    const caPem = await readFile(paths.caCert, 'utf8');
    const ca = await loadCa(caPem, await readFile(paths.caKey, 'utf8'));
    const caCert = new X509Certificate(ca.certPem);
    expect(caCert.ca).toBe(true);

    const inventory = new X509Certificate(await readFile(workload(paths, 'inventory').cert, 'utf8'));
    expect(inventory.subjectAltName).toBe(
      'URI:spiffe://demo.rampart.dev/inventory, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(inventory.verify(caCert.publicKey)).toBe(true);
    expect(inventory.checkIssued(caCert)).toBe(true);
    expect(inventory.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(inventory.checkPrivateKey(createPrivateKey(
      await readFile(workload(paths, 'inventory').key, 'utf8'),
    ))).toBe(true);

    const orders = new X509Certificate(await readFile(workload(paths, 'orders').cert, 'utf8'));
    expect(orders.subjectAltName).toBe('URI:spiffe://demo.rampart.dev/ns/demo/orders');

    const chain = await readFile(workload(paths, 'orders').chain, 'utf8');
    expect(chain).toBe((await readFile(workload(paths, 'orders').cert, 'utf8')) + caPem);
  });

  posixOnly('keeps keys 0600 in a 0700 directory', async () => {
    const paths = await ensureDevPki(await options());
    expect(await modeOf(paths.dir)).toBe(0o700);
    expect(await modeOf(paths.caKey)).toBe(0o600);
    expect(await modeOf(workload(paths, 'inventory').key)).toBe(0o600);
    expect(await modeOf(workload(paths, 'orders').key)).toBe(0o600);
    expect(await modeOf(paths.caCert)).toBe(0o644);

    // A key whose mode was loosened is narrowed again on the next run.
    await chmod(paths.caKey, 0o644);
    await chmod(workload(paths, 'orders').key, 0o640);
    await ensureDevPki(await options({ dir: paths.dir }));
    expect(await modeOf(paths.caKey)).toBe(0o600);
    expect(await modeOf(workload(paths, 'orders').key)).toBe(0o600);
  });

  it('keeps valid certificates on a second run', async () => {
    const opts = await options();
    const first = await thumbprints(await ensureDevPki(opts));
    const keyBefore = await readFile(join(opts.dir, 'orders-key.pem'), 'utf8');
    const second = await thumbprints(await ensureDevPki(opts));
    expect(second).toEqual(first);
    expect(Object.keys(second).sort()).toEqual(['ca', 'inventory', 'orders']);
    expect(await readFile(join(opts.dir, 'orders-key.pem'), 'utf8')).toBe(keyBefore);
  });

  it('reissues a certificate that expires within renewBeforeHours, and only that one', async () => {
    const opts = await options();
    const paths = await ensureDevPki(opts);
    const before = await thumbprints(paths);

    // Replace orders' certificate with one from the same CA that expires in 30 minutes.
    const ca = await loadCa(await readFile(paths.caCert, 'utf8'), await readFile(paths.caKey, 'utf8'));
    const orders = workload(paths, 'orders');
    const now = Date.now();
    const expiring = await issueCertificate(ca, {
      spiffeId: orders.spiffeId,
      notBefore: new Date(now - HOUR),
      notAfter: new Date(now + HOUR / 2),
    });
    await writeFile(orders.cert, expiring.certPem);
    await writeFile(orders.key, expiring.keyPem, { mode: 0o600 });

    // With no renewal margin it is still good, so it is kept…
    await ensureDevPki({ ...opts, renewBeforeHours: 0 });
    expect(thumbprintOfPem(await readFile(orders.cert, 'utf8'))).toBe(expiring.thumbprint);
    expect(await readFile(orders.chain, 'utf8')).toBe(expiring.certPem + ca.certPem);

    // …with the default margin (2 h) it is replaced by a fresh 24 h certificate.
    await ensureDevPki(opts);
    const after = await thumbprints(paths);
    expect(after['orders']).not.toBe(expiring.thumbprint);
    expect(after['orders']).not.toBe(before['orders']);
    expect(after['ca']).toBe(before['ca']);
    expect(after['inventory']).toBe(before['inventory']);
    const renewed = new X509Certificate(await readFile(orders.cert, 'utf8'));
    expect(new Date(renewed.validTo).getTime()).toBeGreaterThan(Date.now() + 23 * HOUR);
    expect(renewed.checkPrivateKey(createPrivateKey(await readFile(orders.key, 'utf8')))).toBe(true);
    expect(await readFile(orders.chain, 'utf8')).toBe(renewed.toString() + ca.certPem);
  });

  it('reissues an expired certificate, a broken one and one whose names changed', async () => {
    const opts = await options();
    const paths = await ensureDevPki(opts);
    const before = await thumbprints(paths);
    const ca = await loadCa(await readFile(paths.caCert, 'utf8'), await readFile(paths.caKey, 'utf8'));
    const inventory = workload(paths, 'inventory');
    const now = Date.now();
    const expired = await issueCertificate(ca, {
      spiffeId: inventory.spiffeId,
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      notBefore: new Date(now - 2 * HOUR),
      notAfter: new Date(now - HOUR),
    });
    await writeFile(inventory.cert, expired.certPem);
    await writeFile(inventory.key, expired.keyPem, { mode: 0o600 });
    await writeFile(workload(paths, 'orders').key, 'garbage', { mode: 0o600 });

    await ensureDevPki(opts);
    const after = await thumbprints(paths);
    expect(after['inventory']).not.toBe(expired.thumbprint);
    expect(after['orders']).not.toBe(before['orders']);
    expect(after['ca']).toBe(before['ca']);

    await ensureDevPki({
      ...opts,
      workloads: [{ name: 'inventory', dnsNames: ['inventory.local'] }, ...opts.workloads.slice(1)],
    });
    const renamed = new X509Certificate(await readFile(inventory.cert, 'utf8'));
    expect(renamed.subjectAltName).toBe(
      'URI:spiffe://demo.rampart.dev/inventory, DNS:inventory.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect((await thumbprints(paths))['orders']).toBe(after['orders']);
  });

  it('replaces a missing CA and then reissues every workload', async () => {
    const opts = await options();
    const paths = await ensureDevPki(opts);
    const before = await thumbprints(paths);
    await rm(paths.caKey);

    await ensureDevPki(opts);
    const after = await thumbprints(paths);
    expect(after['ca']).not.toBe(before['ca']);
    expect(after['inventory']).not.toBe(before['inventory']);
    expect(after['orders']).not.toBe(before['orders']);
    const caCert = new X509Certificate(await readFile(paths.caCert, 'utf8'));
    const orders = new X509Certificate(await readFile(workload(paths, 'orders').cert, 'utf8'));
    expect(orders.verify(caCert.publicKey)).toBe(true);
  });

  it('creates a single CA when called concurrently on the same directory', async () => {
    const opts = await options();
    const results = await Promise.all([ensureDevPki(opts), ensureDevPki(opts), ensureDevPki(opts)]);
    const caPem = await readFile(opts.dir + '/ca.pem', 'utf8');
    const caCert = new X509Certificate(caPem);
    for (const paths of results) {
      const orders = new X509Certificate(await readFile(workload(paths, 'orders').cert, 'utf8'));
      expect(orders.verify(caCert.publicKey)).toBe(true);
    }
    expect(await readdir(opts.dir)).not.toContain('.rampart-pki.lock');
  });

  posixOnly('refuses an existing directory that other users can read', async () => {
    const dir = await temp.make();
    await chmod(dir, 0o755);
    await expect(ensureDevPki({ ...(await options()), dir })).rejects.toThrow(/open to other users \(mode 755\)/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('uses an existing private directory', async () => {
    const dir = join(await temp.make(), 'existing');
    await mkdir(dir, { mode: 0o700 });
    const paths = await ensureDevPki({ ...(await options()), dir });
    expect(paths.dir).toBe(dir);
  });

  it.each([
    [{ trustDomain: 'Demo.Rampart.dev' }, TypeError, /invalid SPIFFE ID "spiffe:\/\/Demo\.Rampart\.dev\/inventory"/],
    [{ workloads: [{ name: 'a', path: 'no-slash' }] }, TypeError, /invalid SPIFFE ID/],
    [{ workloads: [{ name: '../escape' }] }, TypeError, /invalid workload name "..\/escape"/],
    [{ workloads: [{ name: '.hidden' }] }, TypeError, /invalid workload name/],
    [{ workloads: [{ name: 'ca' }] }, TypeError, /file ca.pem is already used/],
    [{ workloads: [{ name: 'a' }, { name: 'a' }] }, TypeError, /file a.pem is already used/],
    [{ workloads: [{ name: 'a' }, { name: 'a-key' }] }, TypeError, /file a-key.pem is already used/],
    [{ workloads: [{ name: 'a', dnsNames: ['bad name'] }] }, TypeError, /invalid DNS name/],
    [{ workloads: [{ name: 'a', ipAddresses: ['nope'] }] }, TypeError, /invalid IP address/],
    [{ renewBeforeHours: 24 }, RangeError, /renewBeforeHours/],
    [{ renewBeforeHours: -1 }, RangeError, /renewBeforeHours/],
  ] as const)('refuses %j before touching the disk', async (extra, type, message) => {
    const opts = await options(extra);
    await expect(ensureDevPki(opts)).rejects.toThrow(type);
    await expect(ensureDevPki(opts)).rejects.toThrow(message);
    await expect(stat(opts.dir)).rejects.toThrow(/ENOENT/);
  });
});
