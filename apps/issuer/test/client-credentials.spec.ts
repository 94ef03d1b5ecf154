import { createHash, X509Certificate } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientCredentials,
  createTestPki,
  fetchJwks,
  httpsRequest,
  INVENTORY,
  lastRefusal,
  ORDERS,
  removeTestPki,
  startIssuer,
  tokenRequest,
  verifyAccessToken,
  type TestPki,
} from './harness.js';

let pki: TestPki;
let started: Awaited<ReturnType<typeof startIssuer>>;
const issued: string[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  started = await startIssuer(pki);
});

afterAll(async () => {
  await started?.issuer.close();
  await removeTestPki(pki);
});

describe('discovery and JWKS', () => {
  it('publishes a discovery document for a service-only, mTLS-only issuer', async () => {
    const { status, body } = await httpsRequest(`${started.url}/.well-known/openid-configuration`, { ca: pki.ca.certPem });
    expect(status).toBe(200);
    expect(started.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(body['issuer']).toBe(started.url);
    expect(body['token_endpoint']).toBe(`${started.url}/token`);
    expect(body['jwks_uri']).toBe(`${started.url}/jwks`);
    // The whole server asks for client certificates, so the token endpoint needs no mTLS alias.
    expect(body['mtls_endpoint_aliases']).toBeUndefined();
    expect(body['token_endpoint_auth_methods_supported']).toEqual(['tls_client_auth']);
    expect(body['tls_client_certificate_bound_access_tokens']).toBe(true);
    expect(body['grant_types_supported']).toEqual([
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
    expect(body['id_token_signing_alg_values_supported']).toEqual(['ES256']);
    for (const off of [
      'pushed_authorization_request_endpoint',
      'end_session_endpoint',
      'dpop_signing_alg_values_supported',
      'userinfo_endpoint',
      'registration_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
    ]) {
      expect(body, off).not.toHaveProperty(off);
    }
  });

  it('publishes one public ES256 key', async () => {
    const { keys } = await fetchJwks(started.url, pki);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: started.issuer.signingKid });
    expect(keys[0]).not.toHaveProperty('d');
  });
});

describe('client credentials with tls_client_auth', () => {
  it('issues a short-lived at+jwt bound to the client certificate, for the requested resource and scope', async () => {
    const { status, body } = await tokenRequest(started.url, pki, pki.clients.web, {
      grant_type: 'client_credentials',
      client_id: 'web',
      resource: ORDERS,
      scope: 'orders:read',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'orders:read' });
    const token = body['access_token'] as string;
    issued.push(token);

    const { payload, protectedHeader } = await verifyAccessToken(token, await fetchJwks(started.url, pki), started.url, ORDERS);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: started.issuer.signingKid });
    expect(payload).toMatchObject({ iss: started.url, aud: ORDERS, sub: 'web', client_id: 'web', scope: 'orders:read' });
    const der = new X509Certificate(pki.clients.web.cert).raw;
    const expected = createHash('sha256').update(der).digest('base64url');
    expect(payload['cnf']).toEqual({ 'x5t#S256': expected });
    expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(10);
  });

  it('grants every scope the client may have for the resource when none is asked', async () => {
    const token = await clientCredentials(started.url, pki, 'web', ORDERS);
    issued.push(token);
    expect(decodeJwt(token)['scope']).toBe('orders:place orders:read');
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
  });

  it('binds each token to the certificate that asked for it', async () => {
    const token = await clientCredentials(started.url, pki, 'orders', INVENTORY, 'inventory:read');
    issued.push(token);
    const cnf = decodeJwt(token)['cnf'] as Record<string, string>;
    expect(cnf['x5t#S256']).toBe(pki.clients.orders.thumbprint);
    expect(cnf['x5t#S256']).not.toBe(pki.clients.web.thumbprint);
  });
});

describe('refused token requests', () => {
  const base = { grant_type: 'client_credentials', resource: ORDERS } as const;

  it('without a client certificate', async () => {
    const { status, body } = await tokenRequest(started.url, pki, undefined, { ...base, client_id: 'web' });
    expect(status).toBe(401);
    expect(body['error']).toBe('invalid_client');
    expect(lastRefusal(started.logs)).toMatchObject({ clientId: 'web', detail: 'client certificate was not provided' });
  });

  it('with a certificate whose SPIFFE ID is not the client’s', async () => {
    const { status, body } = await tokenRequest(started.url, pki, pki.clients.stranger, { ...base, client_id: 'web' });
    expect(status).toBe(401);
    expect(body['error']).toBe('invalid_client');
    expect(lastRefusal(started.logs)?.['detail']).toBe('certificate subject value does not match the registered one');
  });

  it('with a certificate whose SPIFFE ID matches no client', async () => {
    const { status, body } = await tokenRequest(started.url, pki, pki.clients.stranger, { ...base, client_id: 'stranger' });
    expect(status).toBe(401);
    expect(body['error']).toBe('invalid_client');
    expect(lastRefusal(started.logs)?.['detail']).toBe('client not found');
  });

  it('with another client’s certificate', async () => {
    const { status, body } = await tokenRequest(started.url, pki, pki.clients.web, {
      grant_type: 'client_credentials',
      client_id: 'orders',
      resource: INVENTORY,
    });
    expect(status).toBe(401);
    expect(body['error']).toBe('invalid_client');
  });

  it('with a certificate from a CA the issuer does not trust, even with the right SPIFFE ID', async () => {
    const { status, body } = await tokenRequest(started.url, pki, pki.foreignOrders, {
      grant_type: 'client_credentials',
      client_id: 'orders',
      resource: INVENTORY,
    });
    expect(status).toBe(401);
    expect(body['error']).toBe('invalid_client');
    expect(lastRefusal(started.logs)?.['detail']).toBe('client certificate was not verified');
  });

  it('for a resource the client may not have', async () => {
    const { status, body } = await tokenRequest(started.url, pki, pki.clients.web, {
      grant_type: 'client_credentials',
      client_id: 'web',
      resource: INVENTORY,
    });
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_target', error_description: 'resource indicator is missing, or unknown' });
    expect(lastRefusal(started.logs)?.['detail']).toBe(`client "web" may not request tokens for resource "${INVENTORY}"`);
  });

  it('for an unknown scope, or one the client may only have for another resource (refused, not dropped)', async () => {
    for (const scope of ['orders:read orders:admin', 'inventory:read']) {
      const { status, body } = await tokenRequest(started.url, pki, pki.clients.web, { ...base, client_id: 'web', scope });
      expect(status, scope).toBe(400);
      expect(body['error'], scope).toBe('invalid_scope');
    }
    expect(lastRefusal(started.logs)?.['detail']).toBe(
      `client "web" may not have scope(s) "inventory:read" for resource "${ORDERS}"`,
    );
  });

  it('without a resource, with or without scope (no opaque tokens)', async () => {
    for (const extra of [{}, { scope: 'orders:read' }] as Record<string, string>[]) {
      const { status, body } = await tokenRequest(started.url, pki, pki.clients.web, {
        grant_type: 'client_credentials',
        client_id: 'web',
        ...extra,
      });
      expect(status).toBe(400);
      expect(body['error']).toBe('invalid_target');
    }
    expect(lastRefusal(started.logs)?.['detail']).toBe('a resource parameter (the target audience) is required');
  });

  it('for a resource that is not an absolute URI', async () => {
    const { status, body } = await tokenRequest(started.url, pki, pki.clients.web, {
      grant_type: 'client_credentials',
      client_id: 'web',
      resource: 'orders',
    });
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_target');
  });
});

describe('logs', () => {
  it('record issued and refused requests without any token', () => {
    const entries = started.logs.entries;
    expect(entries.filter((e) => e['msg'] === 'token issued').length).toBeGreaterThanOrEqual(issued.length);
    expect(entries.filter((e) => e['msg'] === 'token request refused').length).toBeGreaterThanOrEqual(8);
    expect(issued.length).toBeGreaterThanOrEqual(3);
    const text = started.logs.raw.join('');
    for (const token of issued) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split('.')[2]);
    }
  });
});
