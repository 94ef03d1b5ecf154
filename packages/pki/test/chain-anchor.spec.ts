import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type PeerCertificate } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueCertificate, type CertificateAuthority } from '../src/index.js';
import { chainsTo } from '../src/chain-anchor.js';
import { issuersOf, TrustDomainBundles } from '../src/internal.js';

const OURS = 'ours.example';
const PARTNER = 'partner.example';
const cert = (pem: string) => new X509Certificate(pem);
const none = () => [];

let ours: CertificateAuthority;
let partner: CertificateAuthority;
let sameName: CertificateAuthority;

/** A root that may sign one level of intermediates, and an intermediate under it. */
async function rootAndIntermediate(name: string): Promise<{ root: CertificateAuthority; intermediate: CertificateAuthority }> {
  const root = await createCa({ commonName: `${name} root`, pathLength: 1 });
  return { root, intermediate: await createCa({ commonName: `${name} intermediate`, issuer: root }) };
}

beforeAll(async () => {
  [ours, partner, sameName] = await Promise.all([
    createCa({ commonName: 'ours CA' }),
    createCa({ commonName: 'partner CA' }),
    createCa({ commonName: 'ours CA' }),
  ]);
});

describe('chainsTo', () => {
  it('anchors a leaf signed by a CA of the bundle, not one signed by another CA, even with the same name', async () => {
    const leaf = cert((await issueCertificate(ours, { spiffeId: `spiffe://${OURS}/a` })).certPem);
    expect(chainsTo(leaf, [cert(partner.certPem), cert(ours.certPem)], none)).toBe(true);
    expect(chainsTo(leaf, [cert(partner.certPem)], none)).toBe(false);
    expect(chainsTo(leaf, [cert(sameName.certPem)], none)).toBe(false);
  });

  it('follows intermediates the peer sent to an anchor, and only through certificates that really signed the link', async () => {
    const { root, intermediate } = await rootAndIntermediate('spire');
    const leaf = cert((await issueCertificate(intermediate, { spiffeId: `spiffe://${OURS}/a` })).certPem);
    expect(chainsTo(leaf, [cert(root.certPem)], none)).toBe(false);
    expect(chainsTo(leaf, [cert(root.certPem)], () => [cert(intermediate.certPem)])).toBe(true);
    // An intermediate that is itself in the bundle is an anchor.
    expect(chainsTo(leaf, [cert(intermediate.certPem)], none)).toBe(true);
    // A CA certificate offered as an intermediate that did not sign the leaf leads nowhere.
    expect(chainsTo(leaf, [cert(root.certPem)], () => [cert(partner.certPem)])).toBe(false);
  });

  it('does not anchor through a CA outside its validity period', async () => {
    const leaf = cert((await issueCertificate(ours, { spiffeId: `spiffe://${OURS}/a` })).certPem);
    expect(chainsTo(leaf, [cert(ours.certPem)], none, Date.now() + 400 * 86_400_000)).toBe(false);
  });
});

describe('TrustDomainBundles.anchorProblem', () => {
  it('checks a SPIFFE ID against the bundle of its own trust domain only', async () => {
    const bundles = new TrustDomainBundles(OURS, [cert(ours.certPem)], new Map([[PARTNER, [cert(partner.certPem)]]]));
    const forged = cert((await issueCertificate(partner, { spiffeId: `spiffe://${OURS}/x` })).certPem);
    const partnerLeaf = cert((await issueCertificate(partner, { spiffeId: `spiffe://${PARTNER}/x` })).certPem);
    expect(bundles.anchorProblem(forged, OURS, none)).toBe(
      `its chain does not lead to a CA in the trust bundle of ${OURS} (issuer: CN=partner CA)`,
    );
    expect(bundles.anchorProblem(partnerLeaf, PARTNER, none)).toBeUndefined();
    expect(bundles.anchorProblem(partnerLeaf, 'elsewhere.example', none)).toBe(
      `no trust bundle is configured for trust domain elsewhere.example (bundles: ${OURS}, ${PARTNER})`,
    );
  });

  it('anchors a certificate without a SPIFFE ID in the own bundle only', async () => {
    const bundles = new TrustDomainBundles(OURS, [cert(ours.certPem)], new Map([[PARTNER, [cert(partner.certPem)]]]));
    const fromPartner = cert((await issueCertificate(partner, { dnsNames: ['svc.partner.example'] })).certPem);
    const fromOurs = cert((await issueCertificate(ours, { dnsNames: ['svc.ours.example'] })).certPem);
    expect(bundles.anchorProblem(fromOurs, undefined, none)).toBeUndefined();
    expect(bundles.anchorProblem(fromPartner, undefined, none)).toMatch(/own trust domain ours\.example \(it has no SPIFFE ID\)/);
  });

  it('gives TLS the union of all bundles, each CA once', () => {
    const bundles = new TrustDomainBundles(OURS, [cert(ours.certPem)], new Map([[PARTNER, [cert(partner.certPem), cert(ours.certPem)]]]));
    expect(bundles.pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(bundles.trustDomains).toEqual([OURS, PARTNER]);
  });
});

describe('issuersOf', () => {
  it('reads the intermediate a real TLS server sent and the root Node matched, from the detailed peer certificate', async () => {
    const { root, intermediate } = await rootAndIntermediate('tls');
    const server = await issueCertificate(intermediate, { spiffeId: `spiffe://${OURS}/server`, dnsNames: ['localhost'], usage: 'server' });
    const tlsServer = createServer({ cert: server.chainPem, key: server.keyPem }, (socket) => socket.end());
    tlsServer.listen(0, '127.0.0.1');
    await once(tlsServer, 'listening');
    let seen: PeerCertificate | undefined;
    try {
      const socket = connect({
        host: '127.0.0.1',
        port: (tlsServer.address() as AddressInfo).port,
        ca: root.certPem,
        servername: 'localhost',
        checkServerIdentity: (_host, peer) => void (seen = peer),
      });
      await once(socket, 'secureConnect');
      socket.destroy();
    } finally {
      tlsServer.close();
    }
    const issuers = issuersOf(seen);
    expect(issuers.map((c) => c.subject)).toEqual(['CN=tls intermediate', 'CN=tls root']);
    const leaf = new X509Certificate(seen!.raw);
    expect(chainsTo(leaf, [cert(root.certPem)], () => issuers)).toBe(true);
    expect(issuersOf(undefined)).toEqual([]);
  });
});

describe('TrustDomainBundles.pemFor', () => {
  it("gives one trust domain's CAs as PEM (the own one for undefined), the same string each time, and undefined for none", () => {
    const bundles = new TrustDomainBundles(OURS, [cert(ours.certPem)], new Map([[PARTNER, [cert(partner.certPem)]]]));
    expect(bundles.pemFor(undefined)).toBe(cert(ours.certPem).toString());
    expect(bundles.pemFor(OURS)).toBe(bundles.pemFor(undefined));
    expect(bundles.pemFor(PARTNER)).toBe(cert(partner.certPem).toString());
    expect(bundles.pemFor('elsewhere.example')).toBeUndefined();
    expect(bundles.pem).toContain(bundles.pemFor(PARTNER));
  });
});
