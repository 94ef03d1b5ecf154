import { rampartErrorOf } from '@rampart/test-support';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenClient, type AudienceParameter } from '../../src/index.js';
import { createCa, issueCertificate, ORDERS, tempDir, writeClientFiles, type TempDir } from '../tls/support/pki-dir.js';
import type { CertificateAuthority } from '@rampart/pki';

// Issue 19 item 2: Entra ID does not accept `resource` (it wants scope=<api>/.default), Auth0 wants `audience`.
// An mTLS issuer on 127.0.0.1 records each token request's form body, so the parameters sent are checked as sent.

describe('TokenClient names the audience as the issuer needs it', () => {
  let tmp: TempDir;
  let ca: CertificateAuthority;
  let server: Server;
  let issuer = '';
  const bodies: Record<string, string>[] = [];
  /** What discovery says the issuer is, when not the URL it is reached at. */
  let advertised: string | undefined;

  beforeAll(async () => {
    tmp = await tempDir();
    ca = await createCa({ commonName: 'audience parameter CA', validityDays: 1 });
    const cert = await issueCertificate(ca, { spiffeId: 'spiffe://demo.rampart.dev/issuer', dnsNames: ['localhost'], usage: 'server' });
    server = createServer({ cert: cert.chainPem, key: cert.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer: advertised ?? issuer, token_endpoint: `${issuer}/token` }));
        return;
      }
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        bodies.push(Object.fromEntries(new URLSearchParams(raw)));
        res.end(JSON.stringify({ access_token: `token-${bodies.length}`, token_type: 'Bearer', expires_in: 300 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await tmp?.remove();
  });

  async function requestsWith(audienceParameter: AudienceParameter | undefined): Promise<Record<string, string>[]> {
    const files = await writeClientFiles(tmp, `aud-${audienceParameter ?? 'default'}`, ca, { spiffeId: ORDERS });
    const tokens = new TokenClient({
      issuer,
      clientId: 'orders',
      scopes: { 'api://inventory': ['inventory:reserve'] },
      ...(audienceParameter ? { audienceParameter } : {}),
      ...files,
    });
    bodies.length = 0;
    try {
      await tokens.token('api://inventory');
      await tokens.exchange('caller-token', 'api://inventory');
      return [...bodies];
    } finally {
      await tokens.close();
    }
  }

  it('sends resource by default (RFC 8707), with the scopes of that audience', async () => {
    const [cc, tx] = await requestsWith(undefined);
    expect(cc).toEqual({ grant_type: 'client_credentials', client_id: 'orders', resource: 'api://inventory', scope: 'inventory:reserve' });
    expect(tx).toMatchObject({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', resource: 'api://inventory', subject_token: 'caller-token' });
    expect(tx).not.toHaveProperty('audience');
  });

  it('sends audience instead of resource for Auth0', async () => {
    const [cc, tx] = await requestsWith('audience');
    expect(cc).toEqual({ grant_type: 'client_credentials', client_id: 'orders', audience: 'api://inventory', scope: 'inventory:reserve' });
    expect(cc).not.toHaveProperty('resource');
    expect(tx).toMatchObject({ audience: 'api://inventory', subject_token: 'caller-token' });
  });

  it('sends scope=<audience>/.default and no resource for Entra ID', async () => {
    const [cc, tx] = await requestsWith('scope');
    expect(cc).toEqual({ grant_type: 'client_credentials', client_id: 'orders', scope: 'api://inventory/.default' });
    expect(tx).toMatchObject({ scope: 'api://inventory/.default', subject_token: 'caller-token' });
    expect(tx).not.toHaveProperty('resource');
  });

  it('refuses a discovery document whose issuer is not exactly the configured one (a trailing slash too)', async () => {
    const files = await writeClientFiles(tmp, 'issuer-mismatch', ca, { spiffeId: ORDERS });
    const tokens = new TokenClient({ issuer, clientId: 'orders', ...files });
    advertised = `${issuer}/`;
    bodies.length = 0;
    try {
      const error = await rampartErrorOf(tokens.token('api://inventory'));
      expect(error.message).toBe('could not get a token');
      expect(error.reason).toContain(`names the issuer "${issuer}/": it must be exactly the configured auth.client.issuer`);
      expect(bodies).toEqual([]);
    } finally {
      advertised = undefined;
      await tokens.close();
    }
  });
});
