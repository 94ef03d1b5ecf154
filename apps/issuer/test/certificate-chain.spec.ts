import { X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustBundle as parseBundle, TrustDomainBundles } from '@rampart/pki/internal';
import { TLSSocket } from 'node:tls';
import { chainProblem } from '../src/certificate-chain.js';
import { verifyRequestCertificate } from '../src/mtls.js';
import { createTestPki, INVENTORY, lastRefusal, ORDERS, postForm, removeTestPki, startIssuer, tokenRequest, type TestPki } from './harness.js';
import { intermediateChain, selfSignedLeaf } from './x509-fixtures.js';

/** Every certificate of a PEM trust bundle (the issuer reads its bundles with @rampart/pki). */
const parseTrustBundle = (pem: string) => parseBundle(pem, 'the trust bundle');

let pki: TestPki;
let chain: Awaited<ReturnType<typeof intermediateChain>>;

beforeAll(async () => {
  pki = await createTestPki();
  chain = await intermediateChain(ORDERS);
});
afterAll(() => removeTestPki(pki));

const request = { grant_type: 'client_credentials', client_id: 'orders', resource: INVENTORY };
const leafOf = (pem: string): X509Certificate => new X509Certificate(pem);

describe('a client certificate issued through an intermediate CA', () => {
  it('authenticates when the client presents the intermediate and the issuer trusts the root', async () => {
    const { issuer, url } = await startIssuer(pki, {
      keysFile: join(pki.dir, 'keys-chain.json'),
      tls: { cert: pki.server.chainPem, key: pki.server.keyPem, ca: chain.root },
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: pki.ca.certPem, cert: chain.client.cert, key: chain.client.key });
    try {
      expect(await postForm(`${url}/token`, agent, request)).toMatchObject({ status: 200, reusedSocket: false });
      // Again on the same connection: reading the certificate for the first request must not have used up the chain.
      expect(await postForm(`${url}/token`, agent, request)).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
      await issuer.close();
    }
  });

  it('authenticates again on resumed TLS sessions (new connections), where the peer chain holds only the leaf', async () => {
    // A resumed session carries the leaf only; the intermediate was seen at the full handshake. Node's https Agent
    // (and undici) resume sessions by default, so every reconnect of such a client is a resumption.
    const { issuer, url, logs } = await startIssuer(pki, {
      keysFile: join(pki.dir, 'keys-resumed.json'),
      tls: { cert: pki.server.chainPem, key: pki.server.keyPem, ca: chain.root },
    });
    const agent = new Agent({ keepAlive: false, ca: pki.ca.certPem, cert: chain.client.cert, key: chain.client.key });
    const resumed: boolean[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await postForm(`${url}/token`, agent, request);
        resumed.push(answer.resumedSession);
        expect([i, answer.status, lastRefusal(logs)?.['certificateProblem']]).toEqual([i, 200, undefined]);
      }
      expect(resumed).toEqual([false, true, true]); // the later connections did resume
    } finally {
      agent.destroy();
      await issuer.close();
    }
  });

  it('counts a certificate check that throws as no verified certificate, instead of taking the issuer down', () => {
    // verifyRequestCertificate runs in the https server's synchronous request listener: a throw there is a crash.
    const socket = Object.create(TLSSocket.prototype) as TLSSocket;
    Object.defineProperty(socket, 'getPeerCertificate', { value: () => { throw new Error('unparsable certificate'); } });
    const bundles = new TrustDomainBundles('test.rampart.dev', parseTrustBundle(chain.root));
    expect(verifyRequestCertificate(socket, bundles)).toEqual({
      certificate: undefined,
      problem: 'the client certificate could not be checked (unparsable certificate)',
    });
  });

  it('follows the presented intermediate to the bundle, and no further than the bundle allows', () => {
    const root = parseTrustBundle(chain.root);
    const intermediate = leafOf(chain.intermediate);
    const leaf = leafOf(chain.client.cert);
    expect(chainProblem(leaf, [intermediate], root)).toBeUndefined();
    expect(chainProblem(leaf, [], root)).toBe('it does not chain to the trust bundle');
    expect(chainProblem(leaf, [intermediate], parseTrustBundle(pki.ca.certPem))).toBe('it does not chain to the trust bundle');
    expect(chainProblem(leaf, [intermediate], root, new Date(Date.now() + 2 * 3_600_000))).toBe('it is outside its validity period');
  });

  it('is not completed by a leaf posing as an intermediate: only CA certificates link', async () => {
    const forged = leafOf((await selfSignedLeaf(ORDERS)).cert);
    const root = parseTrustBundle(chain.root);
    expect(chainProblem(forged, [forged, leafOf(chain.client.cert)], root)).toBe('it does not chain to the trust bundle');
  });
});

describe('the trust bundle', () => {
  it('is read whole: every certificate of a concatenated PEM bundle is a trust anchor', () => {
    const anchors = parseTrustBundle(`${pki.ca.certPem}\n${chain.root}`);
    expect(anchors.map((a) => a.subject)).toEqual([leafOf(pki.ca.certPem).subject, leafOf(chain.root).subject]);
    expect(() => parseTrustBundle('not a certificate')).toThrow('the trust bundle holds no usable PEM certificate');
  });

  it('refuses a client whose certificate the handshake could not verify, naming why in the log', async () => {
    const { issuer, url, logs } = await startIssuer(pki, {
      keysFile: join(pki.dir, 'keys-leaf-only.json'),
      tls: { cert: pki.server.chainPem, key: pki.server.keyPem, ca: chain.root },
    });
    try {
      const refused = await tokenRequest(url, pki, chain.leafOnly, request);
      expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(lastRefusal(logs)).toMatchObject({
        detail: 'client certificate was not verified',
        certificateProblem: 'the TLS handshake did not verify it (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
      });
    } finally {
      await issuer.close();
    }
  });
});
