import { thumbprintOfPem, type CertificateAuthority } from '@rampart/pki';
import { waitFor } from '@rampart/test-support';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, createMtlsChannelCredentials, type ClientIdentity, type TokenSource, callError } from '../../src/index.js';
import { EchoDescriptor, startEchoServer, writeEchoProto, type EchoServer } from './support/echo-server.js';
import { createCa, INVENTORY, issueCertificate, ORDERS, tempDir, writeClientFiles, type TempDir } from './support/pki-dir.js';

// Issue 18 (pnpm chaos): a token bound to a certificate (RFC 8705) is valid only on connections that present that
// certificate. When a client's certificate rotated, its channel presented the new certificate on new connections
// while old connections kept the old one, and its token client bound new tokens to whatever the files held: every
// call from orders to inventory failed after orders' certificate rotated, until orders restarted.

/**
 * A token source that works like TokenClient: a token is bound to the certificate it was requested with (here the
 * token is that certificate's thumbprint) and cached for `cacheMs`. Without an identity it uses the certificate file
 * as it is at request time, as TokenClient's agent does.
 */
function bindingSource(certFile: string, cacheMs: number): TokenSource & { requests: number } {
  const cache = new Map<string, { token: string; until: number }>();
  const source = {
    requests: 0,
    token(audience: string, identity?: ClientIdentity): Promise<string> {
      const key = `${audience}|${identity?.fingerprint256 ?? 'files'}`;
      const hit = cache.get(key);
      if (hit && hit.until > Date.now()) return Promise.resolve(hit.token);
      source.requests += 1;
      const token = thumbprintOfPem((identity?.certificate ?? readFileSync(certFile)).toString());
      cache.set(key, { token, until: Date.now() + cacheMs });
      return Promise.resolve(token);
    },
    exchange: () => Promise.reject(new Error('not used')),
  };
  return source;
}

describe('a client with certificate-bound tokens whose certificate rotates', () => {
  let tmp: TempDir;
  let protoRoot: string;
  let ca: CertificateAuthority;
  let server: EchoServer;

  beforeAll(async () => {
    tmp = await tempDir();
    protoRoot = await writeEchoProto(tmp);
    ca = await createCa({ commonName: 'bound token rotation CA', validityDays: 1 });
    server = await startEchoServer(protoRoot, await issueCertificate(ca, { spiffeId: INVENTORY, usage: 'server' }), ca, {}, true);
  });
  afterAll(async () => {
    await server?.stop();
    await tmp?.remove();
  });

  it('sends each token on connections that present its certificate: no call fails across the rotation', async () => {
    const files = await writeClientFiles(tmp, 'bound', ca, { spiffeId: ORDERS });
    const channel = createMtlsChannelCredentials({ ...files, refreshIntervalMs: 50, expectedServerId: INVENTORY });
    await channel.ready;
    const source = bindingSource(files.certFile, 150);
    const client = createClient(EchoDescriptor, {
      address: `127.0.0.1:${server.port}`,
      protoRoot,
      credentials: channel.credentials,
      tokens: { source, audience: 'inventory' },
      defaultDeadlineMs: 5_000,
    });
    const failures: string[] = [];
    // Counted in calls, not time (a loaded machine makes fewer calls per second): calls before the rotation, then
    // calls after it until the client has asked for a token for the new certificate and made 25 more.
    let rotated = false;
    let before = 0;
    let after = 0;
    try {
      const loop = (async () => {
        for (const giveUp = Date.now() + 30_000; Date.now() < giveUp && !(rotated && after >= 25 && source.requests >= 2); ) {
          const ok = await client.whoAmI({}).then(
            () => true,
            (error: unknown) => void failures.push(callError(error).message),
          );
          if (ok === true) {
            if (rotated) after += 1;
            else before += 1;
          }
          await new Promise((r) => setTimeout(r, 10)); // a sleep on purpose: a steady trickle of calls
        }
      })();
      let looping = true;
      void loop.finally(() => (looping = false));
      await waitFor(() => !looping || before >= 10 || failures.length > 0, 'ten calls before the rotation', { timeoutMs: 30_000 });
      // The rotation: a new certificate and key, each renamed into place.
      const next = await issueCertificate(ca, { spiffeId: ORDERS, usage: 'client' });
      await writeFile(`${files.keyFile}.new`, next.keyPem);
      await writeFile(`${files.certFile}.new`, next.certPem);
      await rename(`${files.certFile}.new`, files.certFile);
      await rename(`${files.keyFile}.new`, files.keyFile);
      rotated = true;
      await loop;
      expect(failures).toEqual([]);
      expect(before).toBeGreaterThanOrEqual(10);
      expect(after).toBeGreaterThanOrEqual(25);
      // Tokens for both certificates were asked for: the rotation happened under the calls.
      expect(source.requests).toBeGreaterThanOrEqual(2);
    } finally {
      closeClient(client);
      channel.close();
    }
  });
});
