import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, issueCertificate } from '@rampart/pki';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampart, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

let cwd: string;
let keysFile: string;
let publicJwk: JWK;

beforeAll(async () => {
  cwd = tempDir();
  keysFile = join(cwd, '.rampart', 'issuer', 'keys.json');
  mkdirSync(join(cwd, '.rampart', 'issuer'), { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const file = { keys: [{ ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }], rotation: { stage: 'stable', since: new Date().toISOString() } };
  writeFileSync(keysFile, JSON.stringify(file), { mode: 0o600 });
});

describe('rampart token mint', () => {
  it('prints an ES256 at+jwt token signed with the dev issuer key, verifiable with its public JWK', async () => {
    const run = await rampart(['token', 'mint', '--aud', 'spiffe://demo.rampart.dev/payments', '--scope', 'payments:read,payments:write', '--sub', 'alice', '--ttl', '120', '--client-id', 'demo-client'], cwd);
    expect(run.code, run.err).toBe(0);
    const token = run.out.trim();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: publicJwk.kid });
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [publicJwk] }), {
      issuer: 'https://127.0.0.1:9443',
      audience: 'spiffe://demo.rampart.dev/payments',
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ sub: 'alice', scope: 'payments:read payments:write', client_id: 'demo-client' });
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.cnf).toBeUndefined();
    expect(run.err).toContain(`signed with kid ${publicJwk.kid}`);
    // The public keys are written next to the keys file for services that verify dev tokens offline.
    const jwks = JSON.parse(readFileSync(join(cwd, '.rampart', 'issuer', 'jwks.json'), 'utf8')) as { keys: JWK[] };
    expect(jwks.keys).toEqual([publicJwk]);
  });

  it('binds the token to a certificate with --bind, and takes --issuer and --keys', async () => {
    const issued = await issueCertificate(await createCa(), { spiffeId: 'spiffe://demo.rampart.dev/demo-client' });
    writeFileSync(join(cwd, 'client.pem'), issued.chainPem);
    const other = tempDir();
    const run = await rampart(['token', 'mint', '--aud', 'inventory', '--scope', '', '--bind', join(cwd, 'client.pem'), '--issuer', 'https://localhost:7443', '--keys', keysFile], other);
    expect(run.code, run.err).toBe(0);
    const { payload } = await jwtVerify(run.out.trim(), createLocalJWKSet({ keys: [publicJwk] }), { issuer: 'https://localhost:7443', audience: 'inventory' });
    expect(payload.cnf).toEqual({ 'x5t#S256': issued.thumbprint });
    expect(payload.scope).toBeUndefined();
    expect(payload.sub).toBe('dev-user');
  });

  it('refuses clearly without a keys file, with a keys file without a private key, and with a bad --bind', async () => {
    const empty = tempDir();
    const none = await rampart(['token', 'mint', '--aud', 'a', '--scope', 'x'], empty);
    expect(none.code).toBe(1);
    expect(none.err).toContain('no issuer keys file at');
    expect(none.err).toContain('pnpm demo');
    expect(none.err).toContain('--keys <file>');
    writeFileSync(join(empty, 'public.json'), JSON.stringify({ keys: [publicJwk] }));
    const publicOnly = await rampart(['token', 'mint', '--aud', 'a', '--scope', 'x', '--keys', 'public.json'], empty);
    expect(publicOnly.code).toBe(1);
    expect(publicOnly.err).toContain('holds no private ES256');
    const badBind = await rampart(['token', 'mint', '--aud', 'a', '--scope', 'x', '--keys', keysFile, '--bind', 'public.json'], empty);
    expect(badBind.code).toBe(1);
    expect(badBind.err).toContain('--bind public.json: certPem is not a PEM certificate');
    expect(badBind.out).toBe('');
  });
});
