import { createCa, issueCertificate } from '@rampart/pki';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchTrusting, fetchTrustingCa } from '../../src/internal.js';

// Issue 18 (pnpm chaos): after a CA rotation the issuer serves a certificate from the new CA. The verifiers' fetch
// had read auth.issuerCaFile once at start-up, so every JWKS fetch failed from then on, and when the issuer's next
// signing key came into use every token was refused ("invalid token") until the services restarted.

const dir = mkdtempSync(join(tmpdir(), 'rampart-issuer-ca-rotation-'));
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function issuerWith(ca: Awaited<ReturnType<typeof createCa>>): Promise<string> {
  const issued = await issueCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server', commonName: 'issuer' });
  const server = createServer({ cert: issued.chainPem, key: issued.keyPem }, (_req, res) => res.end('{"keys":[]}'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://localhost:${(server.address() as AddressInfo).port}/jwks`;
}

describe('fetchTrusting and a CA rotation', () => {
  it('trusts the CAs the file holds now: the overlap bundle, then the new CA alone; an unreadable file keeps the last', async () => {
    const oldCa = await createCa({ commonName: 'old issuer CA' });
    const newCa = await createCa({ commonName: 'new issuer CA' });
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, oldCa.certPem);
    const fetch = fetchTrusting(caFile);
    const get = (url: string) => fetch(url, { headers: new Headers(), method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    const oldIssuer = await issuerWith(oldCa);
    const newIssuer = await issuerWith(newCa);
    expect((await get(oldIssuer)).status).toBe(200);
    await expect(get(newIssuer)).rejects.toThrow();

    writeFileSync(caFile, `${oldCa.certPem}${newCa.certPem}`); // the overlap bundle
    expect((await get(oldIssuer)).status).toBe(200);
    expect((await get(newIssuer)).status).toBe(200);

    writeFileSync(caFile, newCa.certPem); // the old CA removed
    expect((await get(newIssuer)).status).toBe(200);
    await expect(get(oldIssuer)).rejects.toThrow();

    rmSync(caFile); // gone for a moment: the CAs read last stay
    expect((await get(newIssuer)).status).toBe(200);
  });
});

// Issue 22: with transport.source = workload-api the trusted CAs are the own trust domain's bundle, held in memory
// and replaced there by the Workload API.
describe('fetchTrustingCa: CAs held in memory', () => {
  it('trusts what ca() gives at each request, follows a change, and refuses to send while it has none', async () => {
    const oldCa = await createCa({ commonName: 'old bundle CA' });
    const newCa = await createCa({ commonName: 'new bundle CA' });
    let bundle: string | undefined = oldCa.certPem;
    const fetch = fetchTrustingCa(() => (bundle === undefined ? undefined : Buffer.from(bundle)));
    const get = (url: string) => fetch(url, { headers: new Headers(), method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    const oldIssuer = await issuerWith(oldCa);
    const newIssuer = await issuerWith(newCa);
    expect((await get(oldIssuer)).status).toBe(200);
    await expect(get(newIssuer)).rejects.toThrow();
    bundle = newCa.certPem;
    expect((await get(newIssuer)).status).toBe(200);
    await expect(get(oldIssuer)).rejects.toThrow();
    bundle = undefined;
    await expect(get(newIssuer)).rejects.toThrow('no CA certificates to trust yet');
  });
});
