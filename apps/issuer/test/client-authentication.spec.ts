import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate } from '@rampart/pki';
import type { RampartError } from '@rampart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClients } from '../src/index.js';
import { INVENTORY, ORDERS } from './harness.js';

// Issue 19 item 2: the sample issuer registers each client with the authentication method it uses, the credential
// read from a file named in config; whatever could not work, or would put a secret in config, stops start-up.

const dir = mkdtempSync(join(tmpdir(), 'rampart-issuer-client-auth-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};
const entry = (extra: Record<string, unknown>) => ({ client_id: 'orders', spiffe_id: ORDERS, resources: { [INVENTORY]: ['inventory:read'] }, ...extra });

function problems(extra: Record<string, unknown>): string {
  try {
    parseClients([entry(extra)]);
  } catch (e) {
    expect((e as RampartError).code).toBe('ERR_CONFIG_INVALID');
    return (e as Error).message;
  }
  throw new Error('accepted');
}

let certificatePem = '';
const secret = randomBytes(32).toString('base64url');
const publicJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const privateJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

beforeAll(async () => {
  const ca = await createCa({ commonName: 'client auth CA', validityDays: 1 });
  certificatePem = (await issueCertificate(ca, { spiffeId: ORDERS })).certPem;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('issuer client authentication methods', () => {
  it('defaults to tls_client_auth', () => {
    expect(parseClients([entry({})])[0]?.authentication).toEqual({ method: 'tls_client_auth' });
  });

  it('registers self_signed_tls_client_auth with the certificate from certificate_file, as a JWK with x5c', () => {
    const [policy] = parseClients([entry({ token_endpoint_auth_method: 'self_signed_tls_client_auth', certificate_file: file('cert.pem', certificatePem) })]);
    const auth = policy?.authentication as { method: string; jwks: Record<string, unknown>[] };
    expect(auth.method).toBe('self_signed_tls_client_auth');
    expect(auth.jwks).toHaveLength(1);
    expect(auth.jwks[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect((auth.jwks[0]?.['x5c'] as string[])[0]).toBe(certificatePem.replace(/-----[A-Z ]+-----|\s/g, ''));
  });

  it("refuses a registered certificate that does not carry the client's spiffe_id", async () => {
    const ca = await createCa({ commonName: 'client auth CA 2', validityDays: 1 });
    const other = (await issueCertificate(ca, { spiffeId: INVENTORY })).certPem;
    expect(problems({ token_endpoint_auth_method: 'self_signed_tls_client_auth', certificate_file: file('other.pem', other) })).toContain(
      "issuer.clients[0].certificate_file: 1 certificate(s) do not carry the client's spiffe_id as their one URI SAN",
    );
  });

  it('registers private_key_jwt with the public keys from jwks_file', () => {
    const [policy] = parseClients([entry({ token_endpoint_auth_method: 'private_key_jwt', jwks_file: file('jwks.json', JSON.stringify({ keys: [publicJwk] })) })]);
    expect(policy?.authentication).toEqual({ method: 'private_key_jwt', jwks: [publicJwk] });
  });

  it('registers client secrets from client_secret_file, without its line end', () => {
    for (const method of ['client_secret_basic', 'client_secret_post']) {
      const [policy] = parseClients([entry({ token_endpoint_auth_method: method, client_secret_file: file('secret', `${secret}\n`) })]);
      expect(policy?.authentication).toEqual({ method, secret });
    }
  });

  it('refuses a secret written in config, naming client_secret_file, never the secret', () => {
    const message = problems({ token_endpoint_auth_method: 'client_secret_basic', client_secret: secret, client_secret_file: file('s2', secret) });
    expect(message).toContain('issuer.clients[0].client_secret: a secret is never written in config. Fix: write it to a file only the issuer can read and name it in client_secret_file');
    expect(message).not.toContain(secret);
  });

  it('refuses an unknown method, a missing credential file, and a file the method does not use', () => {
    expect(problems({ token_endpoint_auth_method: 'none' })).toContain('issuer.clients[0].token_endpoint_auth_method must be one of tls_client_auth, self_signed_tls_client_auth');
    expect(problems({ token_endpoint_auth_method: 'private_key_jwt' })).toContain("issuer.clients[0].jwks_file is required for private_key_jwt: the path of a JWKS file");
    expect(problems({ jwks_file: file('j2.json', JSON.stringify({ keys: [publicJwk] })) })).toContain('issuer.clients[0].jwks_file is not used by tls_client_auth');
    expect(problems({ token_endpoint_auth_method: 'self_signed_tls_client_auth', certificate_file: join(dir, 'missing.pem') })).toMatch(/certificate_file: .*missing\.pem cannot be read \(ENOENT\)/);
  });

  it('refuses unusable credentials: a short secret, a JWKS with private key material, a file without certificates', () => {
    const short = 'short-secret';
    const message = problems({ token_endpoint_auth_method: 'client_secret_post', client_secret_file: file('short', short) });
    expect(message).toContain('is shorter than 32 characters');
    expect(message).not.toContain(short);
    expect(problems({ token_endpoint_auth_method: 'private_key_jwt', jwks_file: file('private.json', JSON.stringify({ keys: [privateJwk] })) })).toContain(
      'the JWKS holds private key material. Fix: register the public keys only',
    );
    expect(problems({ token_endpoint_auth_method: 'private_key_jwt', jwks_file: file('empty.json', '{"keys": []}') })).toContain('must be a JWKS');
    expect(problems({ token_endpoint_auth_method: 'self_signed_tls_client_auth', certificate_file: file('nocert.pem', 'nothing') })).toContain('no PEM certificate in the file');
  });
});
