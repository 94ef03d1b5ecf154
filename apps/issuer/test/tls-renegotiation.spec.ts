// Client authentication at the issuer cannot be changed after the TLS handshake: a TLS 1.2 client that renegotiates
// with another certificate is disconnected (and logged), and the certificate of each request is verified when the
// request arrives, whatever happened on the connection before. The attack client drives libssl (Node's TLS client
// cannot change its certificate on an open connection); .ci/run sets RAMPART_REQUIRE_PYTHON_GRPC=1, which makes a
// missing python3 or libssl an error there instead of a skip.
import { Agent, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRequestCertificate, requestCertificate, verifyRequestCertificate } from '../src/mtls.js';
import { issuerTrustBundles } from '../src/tls-files.js';
import {
  createTestPki,
  INVENTORY,
  lastRefusal,
  ORDERS,
  postForm,
  removeTestPki,
  startIssuer,
  type ClientIdentity,
  type TestPki,
} from './harness.js';
import { libsslClientAvailable, libsslRenegotiation, nodeRenegotiation, type RenegotiationOutcome } from './renegotiating-client.js';
import { selfSignedLeaf } from './x509-fixtures.js';

const libssl = libsslClientAvailable();
if (!libssl && process.env['RAMPART_REQUIRE_PYTHON_GRPC']) {
  throw new Error('python3 and libssl 3 are required here (RAMPART_REQUIRE_PYTHON_GRPC is set) but cannot be used');
}

const ordersTokenRequest = { grant_type: 'client_credentials', client_id: 'orders', resource: INVENTORY };
const REFUSED_RENEGOTIATION = 'TLS renegotiation refused; connection closed';

let pki: TestPki;
let forgedOrders: ClientIdentity;
let started: Awaited<ReturnType<typeof startIssuer>>;

beforeAll(async () => {
  pki = await createTestPki();
  forgedOrders = await selfSignedLeaf(ORDERS);
  started = await startIssuer(pki);
});

afterAll(async () => {
  await started?.issuer.close();
  await removeTestPki(pki);
});

const messages = (): string[] => started.logs.entries.map((e) => String(e['msg']));
const count = (msg: string): number => messages().filter((m) => m === msg).length;

/** orders' token request from the libssl client: connecting as `first`, then renegotiating as `second` (or not). */
const ordersTokenAs = (first: ClientIdentity, second: ClientIdentity, renegotiate = true): Promise<RenegotiationOutcome> =>
  libsslRenegotiation(started.port, { ca: pki.ca.certPem, first, second, path: '/token', form: ordersTokenRequest, renegotiate });

describe.skipIf(!libssl)('a client renegotiating at the issuer (a libssl client)', () => {
  it('presenting its own certificate without renegotiating gets its token (the client works)', async () => {
    const before = started.granted();
    const outcome = await ordersTokenAs(pki.clients.orders, pki.clients.orders, false);
    expect(outcome.status).toBe(200);
    expect(decodeJwt(outcome.body?.['access_token'] as string)).toMatchObject({ sub: 'orders', cnf: { 'x5t#S256': pki.clients.orders.thumbprint } });
    expect(started.granted()).toBe(before + 1);
  });

  it('cannot swap its verified certificate for a forged one naming another workload: disconnected, logged, no token', async () => {
    const before = { granted: started.granted(), issued: count('token issued'), refused: count(REFUSED_RENEGOTIATION) };
    const outcome = await ordersTokenAs(pki.clients.web, forgedOrders);
    expect(outcome).toMatchObject({ connected: true, renegotiated: false });
    expect(outcome.error).toMatch(/^renegotiation failed/);
    expect(outcome.status).toBeUndefined();
    expect(count(REFUSED_RENEGOTIATION)).toBe(before.refused + 1);
    expect(started.logs.entries.find((e) => e['msg'] === REFUSED_RENEGOTIATION)).toMatchObject({
      level: 40,
      remoteAddress: '127.0.0.1',
      reason: 'ERR_TLS_RENEGOTIATION_DISABLED',
    });
    expect(started.granted()).toBe(before.granted);
    expect(count('token issued')).toBe(before.issued);
  });

  it('the control: the forged certificate presented from the start is refused as unverified (401 invalid_client)', async () => {
    const before = started.granted();
    const outcome = await ordersTokenAs(forgedOrders, forgedOrders, false);
    expect(outcome.status).toBe(401);
    expect(outcome.body?.['error']).toBe('invalid_client');
    expect(lastRefusal(started.logs)).toMatchObject({
      clientId: 'orders',
      detail: 'client certificate was not verified',
      certificateProblem: 'the TLS handshake did not verify it (DEPTH_ZERO_SELF_SIGNED_CERT)',
    });
    expect(started.granted()).toBe(before);
  });

  it('the control: a verified certificate with a foreign SPIFFE ID is refused for that client (401 invalid_client)', async () => {
    const before = started.granted();
    const outcome = await ordersTokenAs(pki.clients.web, pki.clients.web, false);
    expect(outcome.status).toBe(401);
    expect(outcome.body?.['error']).toBe('invalid_client');
    expect(lastRefusal(started.logs)?.['detail']).toBe('certificate subject value does not match the registered one');
    expect(started.granted()).toBe(before);
  });
});

describe('TLS renegotiation at the issuer', () => {
  it('is refused for Node’s own client too: the connection is closed and the refusal logged', async () => {
    const before = count(REFUSED_RENEGOTIATION);
    const failure = await nodeRenegotiation(started.port, { ca: pki.ca.certPem, client: pki.clients.web });
    expect(failure).toBe('the server closed the connection');
    expect(count(REFUSED_RENEGOTIATION)).toBe(before + 1);
  });
});

describe.skipIf(!libssl)('the certificate of each request', () => {
  it('is verified when the request arrives: a renegotiated, unverified certificate is refused even where renegotiation is allowed', async () => {
    // A bare https server that, unlike the issuer, lets clients renegotiate: only verifyRequestCertificate stands.
    const anchors = issuerTrustBundles({ cert: pki.server.chainPem, key: pki.server.keyPem, ca: pki.ca.certPem });
    const server = createServer(
      { cert: pki.server.chainPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        recordRequestCertificate(req, verifyRequestCertificate(req.socket, anchors));
        const { certificate, problem } = requestCertificate({ req });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ subjectAltName: certificate?.subjectAltName, problem: problem ?? null }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const request = { ca: pki.ca.certPem, first: pki.clients.web, path: '/', form: {} };
      const forged = await libsslRenegotiation(port, { ...request, second: forgedOrders });
      expect(forged).toMatchObject({ renegotiated: true, status: 200 });
      expect(forged.body).toEqual({
        subjectAltName: `URI:${ORDERS}`,
        problem: 'the TLS handshake did not verify it (DEPTH_ZERO_SELF_SIGNED_CERT)',
      });
      const trusted = await libsslRenegotiation(port, { ...request, second: pki.clients.orders });
      expect(trusted.body).toEqual({ subjectAltName: `URI:${ORDERS}`, problem: null });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the certificate of each request, on a kept-alive connection', () => {
  it('stops authenticating a client whose CA was removed from the trust bundle, on the connection it already had', async () => {
    const both = await startIssuer(pki, {
      keysFile: join(pki.dir, 'keys-both.json'),
      tls: { cert: pki.server.chainPem, key: pki.server.keyPem, ca: pki.ca.certPem + pki.untrustedCa.certPem },
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: pki.ca.certPem, cert: pki.foreignOrders.cert, key: pki.foreignOrders.key });
    try {
      const first = await postForm(`${both.url}/token`, agent, ordersTokenRequest);
      expect(first).toMatchObject({ status: 200, reusedSocket: false });
      both.issuer.updateTls({ cert: pki.server.chainPem, key: pki.server.keyPem, ca: pki.ca.certPem });
      const second = await postForm(`${both.url}/token`, agent, ordersTokenRequest);
      expect(second).toMatchObject({ status: 401, reusedSocket: true, body: { error: 'invalid_client' } });
      expect(lastRefusal(both.logs)).toMatchObject({
        detail: 'client certificate was not verified',
        certificateProblem: 'it does not chain to the trust bundle of test.rampart.dev',
      });
    } finally {
      agent.destroy();
      await both.issuer.close();
    }
  });
});
