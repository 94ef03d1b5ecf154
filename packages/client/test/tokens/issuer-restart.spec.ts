import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenClient } from '../../src/index.js';
import { createCa, issueCertificate, ORDERS, tempDir, writeClientFiles, type TempDir } from '../tls/support/pki-dir.js';
import type { CertificateAuthority, IssuedCertificate } from '@rampart/pki';

// Issue 18 (pnpm chaos): the issuer restarts at each step of a key rotation, and refuses connections for a second or
// so. A call that needed a new token in that moment failed ("could not get a token: fetch failed"); the token client
// now tries the request again a few times, within its timeout, when the connection failed before any answer.

describe('TokenClient while the issuer restarts', () => {
  let tmp: TempDir;
  let ca: CertificateAuthority;
  let serverCert: IssuedCertificate;
  let server: Server | undefined;
  let port = 0;
  let tokenRequests = 0;

  /** An mTLS issuer: discovery and a token endpoint that mints `token-<n>`. */
  async function startIssuer(): Promise<void> {
    const s = createServer({ cert: serverCert.chainPem, key: serverCert.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer: `https://localhost:${port}`, token_endpoint: `https://localhost:${port}/token` }));
        return;
      }
      tokenRequests += 1;
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ access_token: `token-${tokenRequests}`, token_type: 'Bearer', expires_in: 300 })));
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  }
  async function stopIssuer(): Promise<void> {
    const s = server;
    if (s === undefined) return;
    server = undefined;
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }

  beforeAll(async () => {
    tmp = await tempDir();
    ca = await createCa({ commonName: 'issuer restart CA', validityDays: 1 });
    serverCert = await issueCertificate(ca, { spiffeId: 'spiffe://demo.rampart.dev/issuer', dnsNames: ['localhost'], usage: 'server' });
    await startIssuer();
  });
  afterAll(async () => {
    await stopIssuer();
    await tmp?.remove();
  });

  it('a token asked for while the issuer is down for a moment arrives once it is back, without failing', async () => {
    const files = await writeClientFiles(tmp, 'restart', ca, { spiffeId: ORDERS });
    const tokens = new TokenClient({ issuer: `https://localhost:${port}`, clientId: 'orders', ...files });
    try {
      expect(await tokens.token('inventory')).toBe('token-1');
      await stopIssuer();
      const pending = tokens.token('billing'); // a new audience: nothing cached
      setTimeout(() => void startIssuer(), 300);
      expect(await pending).toBe('token-2');
    } finally {
      await tokens.close();
    }
  });

  it('a token client that has never reached the issuer finds it once it is back (discovery is tried again too)', async () => {
    const files = await writeClientFiles(tmp, 'first-contact', ca, { spiffeId: ORDERS });
    if (server === undefined) await startIssuer();
    await stopIssuer();
    const tokens = new TokenClient({ issuer: `https://localhost:${port}`, clientId: 'orders', ...files });
    try {
      const pending = tokens.token('inventory');
      setTimeout(() => void startIssuer(), 300);
      expect(await pending).toMatch(/^token-\d+$/);
    } finally {
      await tokens.close();
    }
  });

  it('an issuer that stays away still fails the request, at the request timeout', async () => {
    const files = await writeClientFiles(tmp, 'away', ca, { spiffeId: ORDERS });
    if (server === undefined) await startIssuer();
    const tokens = new TokenClient({ issuer: `https://localhost:${port}`, clientId: 'orders', requestTimeoutMs: 1_500, ...files });
    try {
      await tokens.token('inventory');
      await stopIssuer();
      const before = Date.now();
      await expect(tokens.token('shipping')).rejects.toThrow(/token issuer unavailable|could not get a token/);
      // Tried again until its 1.5 s timeout ran out, not given up at once.
      expect(Date.now() - before).toBeGreaterThanOrEqual(1_400);
    } finally {
      await tokens.close();
    }
  });
});
