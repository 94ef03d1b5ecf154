import { waitFor } from '@rampart/test-support';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueCertificate } from '@rampart/pki';
import { createTestPki, INVENTORY, lastRefusal, removeTestPki, spiffe, startIssuer, tokenRequest, type TestPki } from './harness.js';

// The issuer's trust bundle file being rewritten in place just as the issuer starts watching it: the watcher's first
// read fails. A later change (a CA removed) must still be served, and said.
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

const messages = (entries: Record<string, unknown>[]): string[] => entries.map((e) => String(e['msg']));

describe('an issuer whose first read of its TLS files fails', () => {
  it('reports it, then serves the next usable bundle: a CA removed from it is no longer trusted', async () => {
    const files = { certFile: join(pki.dir, 'issuer.pem'), keyFile: join(pki.dir, 'issuer-key.pem'), caFile: join(pki.dir, 'ca.pem') };
    const both = pki.ca.certPem + pki.untrustedCa.certPem; // the second CA (which issued foreignOrders) is trusted at start
    await writeFile(files.certFile, pki.server.chainPem);
    await writeFile(files.keyFile, pki.server.keyPem);
    await writeFile(files.caFile, ''); // being rewritten as the watcher starts
    const { issuer, url, logs, granted } = await startIssuer(pki, {
      tls: { cert: pki.server.chainPem, key: pki.server.keyPem, ca: both },
      tlsFiles: { ...files, refreshIntervalMs: 100 },
    });
    stop = () => issuer.close();
    await waitFor(() => messages(logs.entries).includes('issuer TLS trust bundles could not be reloaded; the previous ones stay in use until fixed'), 'the failed read to be reported');
    const request = { grant_type: 'client_credentials', client_id: 'orders', resource: INVENTORY };
    expect((await tokenRequest(url, pki, pki.foreignOrders, request)).status).toBe(200); // the second CA, still trusted

    await writeFile(files.caFile, pki.ca.certPem); // the rotation removes the second CA
    await waitFor(() => messages(logs.entries).includes('issuer TLS trust bundles reloaded'), 'the new bundle to be served');
    const before = granted();
    const refused = await tokenRequest(url, pki, pki.foreignOrders, request);
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(granted()).toBe(before);
    expect(lastRefusal(logs)).toMatchObject({ clientId: 'orders', detail: 'client certificate was not verified' });
  });

  it('reports a certificate and key that do not match at its first read, and serves the pair once whole', async () => {
    const files = { certFile: join(pki.dir, 'issuer.pem'), keyFile: join(pki.dir, 'issuer-key.pem'), caFile: join(pki.dir, 'ca.pem') };
    const next = await issueCertificate(pki.ca, { spiffeId: spiffe('issuer'), dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
    await writeFile(files.certFile, next.chainPem); // a rotation half done as the watcher starts: the new certificate, the old key
    await writeFile(files.keyFile, pki.server.keyPem);
    await writeFile(files.caFile, pki.ca.certPem);
    const { issuer, logs } = await startIssuer(pki, { tlsFiles: { ...files, refreshIntervalMs: 100 } });
    stop = () => issuer.close();
    const refused = 'issuer TLS certificate or key not usable; the previous ones stay in use until fixed';
    await waitFor(() => messages(logs.entries).includes(refused), 'the half-done rotation to be reported');
    expect(logs.entries.find((e) => e['msg'] === refused)).toMatchObject({ problem: expect.stringMatching(/the private key does not match the certificate$/) });
    await writeFile(files.keyFile, next.keyPem);
    await waitFor(() => messages(logs.entries).includes('issuer TLS certificate reloaded'), 'the whole pair to be served');
    expect(messages(logs.entries).filter((m) => m === refused)).toHaveLength(1);
  });
});
