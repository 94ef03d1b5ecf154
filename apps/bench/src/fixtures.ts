import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestPki } from '@rampart/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { BENCH_AUDIENCE, BENCH_CLIENT, BENCH_ISSUER, BENCH_SCOPE } from './constants.js';
import type { Fixtures } from './ipc.js';

export { BENCH_AUDIENCE, BENCH_CLIENT, BENCH_ISSUER, BENCH_SCOPE };

/**
 * Writes everything the servers and generators need into a temporary folder: an ephemeral CA with the server's and
 * the client's certificates (`TestPki`), an ES256 issuer key published as a JWKS file, one warm token and a pool of
 * `coldTokens` distinct tokens, all certificate-bound to the client certificate, valid for an hour. Minting happens
 * here, once, so it is never measured.
 */
export async function createFixtures(coldTokens: number): Promise<{ fixtures: Fixtures; cleanup: () => void }> {
  const pki = await TestPki.create('bench');
  const client = await pki.clientCertificate(BENCH_CLIENT);
  const dir = pki.dir;
  const clientCertFile = join(dir, 'client.pem');
  const clientKeyFile = join(dir, 'client-key.pem');
  writeFileSync(clientCertFile, client.certPem);
  writeFileSync(clientKeyFile, client.keyPem, { mode: 0o600 });

  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = randomUUID();
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));

  const now = Math.floor(Date.now() / 1000);
  const mint = (): Promise<string> =>
    new SignJWT({
      scope: BENCH_SCOPE,
      client_id: 'bench-client',
      cnf: { 'x5t#S256': client.thumbprint },
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setIssuer(BENCH_ISSUER)
      .setAudience(BENCH_AUDIENCE)
      .setSubject('bench-client')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .setJti(randomUUID())
      .sign(privateKey);

  const warmToken = await mint();
  const cold: string[] = [];
  for (let i = 0; i < coldTokens; i++) cold.push(await mint());
  const coldTokensFile = join(dir, 'cold-tokens.txt');
  writeFileSync(coldTokensFile, cold.join('\n'));

  return {
    fixtures: {
      dir,
      caFile: join(dir, 'ca.pem'),
      serverCertFile: join(dir, 'server.pem'),
      serverKeyFile: join(dir, 'server-key.pem'),
      clientCertFile,
      clientKeyFile,
      jwksFile,
      warmToken,
      coldTokensFile,
      issuer: BENCH_ISSUER,
      audience: BENCH_AUDIENCE,
      scope: BENCH_SCOPE,
    },
    cleanup: () => pki.cleanup(),
  };
}
