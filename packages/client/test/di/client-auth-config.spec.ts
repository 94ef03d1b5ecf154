import { RampartError, type ConfigReader } from '@rampart/core';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAuthenticationFrom } from '../../src/di/client-auth-config.js';
import type { TokenClientConfig } from '../../src/index.js';
import { CLIENT_AUTH_DEFAULTS } from './client-auth-defaults.js';
import { createCa, issueCertificate, ORDERS, tempDir, type TempDir } from '../tls/support/pki-dir.js';

// Issue 19 item 2: how the token client authenticates comes from auth.client.*; a key or secret that cannot work
// stops start-up naming the setting and the fix, before any token request would fail on it.

const SECRET = 'a-client-secret-that-is-long-enough-0123456789';

/** A config of plain values (the defaults, overridden by `values`), standing in for a loaded one. */
function reader(values: Record<string, unknown>): ConfigReader<TokenClientConfig> {
  const all: Record<string, unknown> = {
    ...CLIENT_AUTH_DEFAULTS,
    ...values,
  };
  return { get: (key) => all[key] as never, has: (key) => key in all };
}

function refusal(values: Record<string, unknown>): string {
  try {
    clientAuthenticationFrom(reader(values));
  } catch (error) {
    expect(RampartError.is(error) && error.code).toBe('ERR_CONFIG_INVALID');
    expect((error as Error).message).not.toContain(SECRET);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('the token client authentication settings', () => {
  let tmp: TempDir;
  let ecKey = '';
  let rsaKey = '';
  let notAKey = '';

  beforeAll(async () => {
    tmp = await tempDir();
    ecKey = join(tmp.dir, 'ec.pem');
    rsaKey = join(tmp.dir, 'rsa.pem');
    notAKey = join(tmp.dir, 'not-a-key.pem');
    writeFileSync(ecKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(rsaKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(notAKey, 'hello\n');
  });
  afterAll(() => tmp.remove());

  it('defaults to tls_client_auth', () => {
    expect(clientAuthenticationFrom(reader({}))).toEqual({ method: 'tls_client_auth' });
  });

  it('reads private_key_jwt with a key that suits its algorithm, and the kid', () => {
    expect(clientAuthenticationFrom(reader({ 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': ecKey, 'auth.client.privateKeyId': 'k1' }))).toEqual({
      method: 'private_key_jwt',
      privateKeyFile: ecKey,
      alg: 'ES256',
      kid: 'k1',
      assertionAudience: 'issuer',
    });
    expect(clientAuthenticationFrom(reader({ 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': rsaKey, 'auth.client.privateKeyAlg': 'PS256' }))).toMatchObject({ alg: 'PS256' });
  });

  it('refuses private_key_jwt without a key file, with an unreadable one, or one that is not a key', () => {
    expect(refusal({ 'auth.client.authMethod': 'private_key_jwt' })).toMatch(/auth\.client\.privateKeyFile is not set\. Fix: set RAMPART_AUTH_CLIENT_PRIVATE_KEY_FILE/);
    expect(refusal({ 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': join(tmp.dir, 'missing.pem') })).toMatch(/cannot be read \(ENOENT\)/);
    expect(refusal({ 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': notAKey })).toMatch(/is not a PKCS#8 PEM key/);
    const sec1 = join(tmp.dir, 'sec1.pem');
    writeFileSync(sec1, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }));
    expect(refusal({ 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': sec1 })).toMatch(/sec1\.pem is not a PKCS#8 PEM key .* openssl pkcs8 -topk8/);
    const small = join(tmp.dir, 'rsa1024.pem');
    writeFileSync(small, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(refusal({ 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': small, 'auth.client.privateKeyAlg': 'RS256' })).toMatch(/holds a 1024-bit RSA key/);
  });

  it('refuses a key that does not suit the algorithm, naming both', () => {
    expect(refusal({ 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': rsaKey })).toMatch(
      /auth\.client\.privateKeyAlg ES256 needs an EC P-256 key, but .*rsa\.pem holds a rsa key\. Fix: set RAMPART_AUTH_CLIENT_PRIVATE_KEY_ALG/,
    );
    expect(refusal({ 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': ecKey, 'auth.client.privateKeyAlg': 'ES384' })).toMatch(/needs an EC P-384 key/);
  });

  it('reads the certificate of the assertion key and the token-endpoint audience (Entra ID)', async () => {
    const ca = await createCa({ commonName: 'assertion CA', validityDays: 1 });
    const issued = await issueCertificate(ca, { spiffeId: ORDERS });
    const keyFile = join(tmp.dir, 'svid-key.pem');
    const certFile = join(tmp.dir, 'svid.pem');
    writeFileSync(keyFile, issued.keyPem);
    writeFileSync(certFile, issued.certPem);
    const values = { 'auth.client.authMethod': 'private_key_jwt', 'auth.client.privateKeyFile': keyFile, 'auth.client.privateKeyCertificateFile': certFile };
    expect(clientAuthenticationFrom(reader({ ...values, 'auth.client.assertionAudience': 'token_endpoint' }))).toMatchObject({
      certificateFile: certFile,
      assertionAudience: 'token_endpoint',
    });
    expect(refusal({ ...values, 'auth.client.privateKeyFile': ecKey })).toMatch(/svid\.pem is not the certificate of the key in .*ec\.pem\. Fix: name the certificate of that key/);
    expect(refusal({ 'auth.client.privateKeyCertificateFile': certFile })).toMatch(/^auth\.client\.privateKeyCertificateFile is set but auth\.client\.authMethod is tls_client_auth/);
  });

  it('reads a client secret for client_secret_basic and client_secret_post', () => {
    for (const method of ['client_secret_basic', 'client_secret_post']) {
      expect(clientAuthenticationFrom(reader({ 'auth.client.authMethod': method, 'auth.client.secret': SECRET }))).toEqual({ method, secret: SECRET });
    }
  });

  it('refuses a secret method without a secret, pointing at RAMPART_AUTH_CLIENT_SECRET_FILE', () => {
    expect(refusal({ 'auth.client.authMethod': 'client_secret_basic' })).toMatch(/no secret is configured\. Fix: write the client secret to a file .* set RAMPART_AUTH_CLIENT_SECRET_FILE/);
  });

  it('refuses a key or secret that the chosen method would ignore', () => {
    expect(refusal({ 'auth.client.secret': SECRET })).toMatch(/^auth\.client\.secret is set but auth\.client\.authMethod is tls_client_auth/);
    expect(refusal({ 'auth.client.authMethod': 'client_secret_post', 'auth.client.secret': SECRET, 'auth.client.privateKeyFile': ecKey })).toMatch(
      /^auth\.client\.privateKeyFile is set but auth\.client\.authMethod is client_secret_post/,
    );
  });
});
