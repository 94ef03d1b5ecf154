import { parseTrustBundle } from '@rampart/pki/internal';
import { waitFor } from '@rampart/test-support';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChaosPki } from '../src/system/chaos-pki.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-chaos-pki-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const leaf = (file: string) => new X509Certificate(readFileSync(file));
const bundle = (pki: ChaosPki) => parseTrustBundle(readFileSync(pki.paths.caCert, 'utf8'), 'bundle');

describe('the chaos PKI', () => {
  it('rotates a workload in place: certificate first, the key only after the pause, then the bundle', async () => {
    const pki = await ChaosPki.create(join(dir, 'in-place'), '127.0.0.1');
    const files = pki.paths.workloads['orders'];
    if (!files) throw new Error('no orders');
    const before = leaf(files.cert).serialNumber;
    const keyBefore = readFileSync(files.key, 'utf8');
    const rotation = pki.reissue('orders', 'in-place', 300);
    // Mid-rotation: the new certificate with the old key, as spiffe-helper leaves it between its writes.
    await waitFor(() => leaf(files.cert).serialNumber !== before, 'the new certificate to be written');
    expect(readFileSync(files.key, 'utf8')).toBe(keyBefore);
    await rotation;
    expect(readFileSync(files.key, 'utf8')).not.toBe(keyBefore);
    expect(leaf(files.cert).checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(readFileSync(files.key))))).toBe(true);
  });

  it('rotates the CA: overlap bundle, workloads moved to the new CA, old CA removed', async () => {
    const pki = await ChaosPki.create(join(dir, 'ca'), '127.0.0.1');
    const files = pki.paths.workloads['inventory'];
    if (!files) throw new Error('no inventory');
    const [first] = bundle(pki);
    await pki.addCa();
    expect(bundle(pki)).toHaveLength(2);
    expect(leaf(files.cert).checkIssued(first as X509Certificate)).toBe(true);
    await pki.switchCa('atomic', 0);
    const [, second] = bundle(pki);
    expect(leaf(files.cert).checkIssued(second as X509Certificate)).toBe(true);
    await pki.removeOldCa();
    expect(bundle(pki).map((c) => c.fingerprint256)).toEqual([second?.fingerprint256]);
    expect(pki.bundleNames).toEqual(['Rampart chaos CA 2']);
  });
});
