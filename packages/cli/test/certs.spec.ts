import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDevPki, thumbprintOfPem } from '@rampart/pki';
import { afterAll, describe, expect, it } from 'vitest';
import { rampart, removeTempDirs, snapshot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('rampart certs', () => {
  it('init creates the dev CA, and keeps it (and the workloads) when run again', async () => {
    const dir = join(tempDir(), 'pki');
    const first = await rampart(['certs', 'init', '--dir', dir], tempDir());
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(join(dir, 'ca.pem'));
    expect(first.out).toContain('no workload certificates yet');
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    await ensureDevPki({ dir, trustDomain: 'demo.rampart.dev', workloads: [{ name: 'orders' }] });
    const before = snapshot(dir);
    const again = await rampart(['certs', 'init', '--dir', dir], tempDir());
    expect(again.code).toBe(0);
    expect(again.out).toContain('workloads kept (demo.rampart.dev): orders');
    expect(snapshot(dir)).toEqual(before);
  });

  it('issue writes a certificate, key and chain for a SPIFFE ID from the dev CA, and show describes it', async () => {
    const cwd = tempDir();
    const dir = join(cwd, 'pki');
    await rampart(['certs', 'init', '--dir', dir], cwd);
    const run = await rampart(['certs', 'issue', 'spiffe://demo.rampart.dev/ns/pay/api', '--dir', dir, '--out', 'out', '--dns', 'api.local,localhost', '--ip', '127.0.0.1', '--hours', '2'], cwd);
    expect(run.code, run.err).toBe(0);
    const cert = join(cwd, 'out', 'api.pem');
    for (const file of ['api.pem', 'api-key.pem', 'api-chain.pem']) expect(existsSync(join(cwd, 'out', file)), file).toBe(true);
    expect(statSync(join(cwd, 'out', 'api-key.pem')).mode & 0o777).toBe(0o600);
    const thumbprint = thumbprintOfPem(readFileSync(cert, 'utf8'));
    expect(run.out).toContain(`x5t#S256:    ${thumbprint}`);

    const show = await rampart(['certs', 'show', 'out/api-chain.pem'], cwd);
    expect(show.code, show.err).toBe(0);
    expect(show.out).toMatch(/SPIFFE ID\s+spiffe:\/\/demo\.rampart\.dev\/ns\/pay\/api/);
    expect(show.out).toMatch(/DNS SANs\s+api\.local, localhost/);
    expect(show.out).toMatch(/IP SANs\s+127\.0\.0\.1/);
    expect(show.out).toMatch(/issuer\s+CN=Rampart development CA/);
    expect(show.out).toMatch(/status\s+valid/);
    expect(show.out).toContain(`x5t#S256            ${thumbprint}`);
    expect(show.out).toContain('a chain of 2 certificates');

    const json = await rampart(['certs', 'show', cert, '--json'], cwd);
    const info = JSON.parse(json.out) as { spiffeId: string; thumbprint: string; notAfter: string; isCa: boolean };
    expect(info).toMatchObject({ spiffeId: 'spiffe://demo.rampart.dev/ns/pay/api', thumbprint, isCa: false });
    const hours = (new Date(info.notAfter).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);

    const ca = await rampart(['certs', 'show', join(dir, 'ca.pem')], cwd);
    expect(ca.out).toMatch(/SPIFFE ID\s+\(none: a CA certificate\)/);
  });

  it('issue refuses to replace existing files unless --force', async () => {
    const cwd = tempDir();
    const dir = join(cwd, 'pki');
    await rampart(['certs', 'init', '--dir', dir], cwd);
    expect((await rampart(['certs', 'issue', 'spiffe://demo.rampart.dev/alpha', '--dir', dir], cwd)).code).toBe(0);
    const before = snapshot(dir);
    const refused = await rampart(['certs', 'issue', 'spiffe://demo.rampart.dev/alpha', '--dir', dir], cwd);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('already exist: nothing was written (--force replaces)');
    expect(snapshot(dir)).toEqual(before);
    const forced = await rampart(['certs', 'issue', 'spiffe://demo.rampart.dev/alpha', '--dir', dir, '--force'], cwd);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'alpha.pem'), 'utf8')).not.toBe(before['alpha.pem']?.split(':').slice(1).join(':'));
  });

  it('fails clearly without a CA, for a missing file and for a file that is no certificate', async () => {
    const cwd = tempDir();
    const noCa = await rampart(['certs', 'issue', 'spiffe://demo.rampart.dev/alpha', '--dir', join(cwd, 'none')], cwd);
    expect(noCa.code).toBe(1);
    expect(noCa.err).toContain('run "rampart certs init" first');
    const missing = await rampart(['certs', 'show', 'nope.pem'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read nope.pem: ENOENT');
    writeFileSync(join(cwd, 'junk.pem'), 'not a certificate\n');
    const junk = await rampart(['certs', 'show', 'junk.pem'], cwd);
    expect(junk.code).toBe(1);
    expect(junk.err).toContain('junk.pem holds no PEM certificate');
  });
});
