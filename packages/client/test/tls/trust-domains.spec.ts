import { Status } from '@rampart/core';
import { formatSpiffeBundle, type CertificateAuthority } from '@rampart/pki';
import { rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMtlsChannelCredentials, type MtlsChannel, type MtlsChannelOptions } from '../../src/index.js';
import { startEchoServer, whoAmI, writeEchoProto, type EchoServer } from './support/echo-server.js';
import { createCa, INVENTORY, issueCertificate, ORDERS, tempDir, writeClientFiles, type ClientFiles, type TempDir } from './support/pki-dir.js';

// A client of demo.rampart.dev that federates with partner.example. TLS trusts both CAs; a server's chain must also
// lead to the bundle of the trust domain in its own SPIFFE ID, so partner's CA cannot pass for one of our servers.
const PARTNER_INVENTORY = 'spiffe://partner.example/inventory';

describe('client: server certificates are checked against the bundle of their own trust domain (real TLS)', () => {
  let tmp: TempDir;
  let protoRoot: string;
  let ours: CertificateAuthority;
  let partner: CertificateAuthority;
  let client: ClientFiles;
  let partnerBundle: string;
  const servers: EchoServer[] = [];
  const channels: MtlsChannel[] = [];
  /** Partner's CA issuing one of OUR IDs: the attack. */
  let forged: EchoServer;
  /** Partner's CA issuing a partner ID, for localhost too. */
  let partnerServer: EchoServer;
  /** Partner's CA issuing a certificate without a SPIFFE ID, for localhost. */
  let partnerDnsOnly: EchoServer;

  const mtls = async (options: Partial<MtlsChannelOptions>): Promise<MtlsChannel> => {
    const channel = createMtlsChannelCredentials({ ...client, ...options });
    channels.push(channel);
    await channel.ready;
    return channel;
  };

  beforeAll(async () => {
    tmp = await tempDir();
    protoRoot = await writeEchoProto(tmp);
    [ours, partner] = await Promise.all([
      createCa({ commonName: 'ours CA', validityDays: 1 }),
      createCa({ commonName: 'partner CA', validityDays: 1 }),
    ]);
    client = await writeClientFiles(tmp, 'orders', ours, { spiffeId: ORDERS });
    partnerBundle = await tmp.write('partner.bundle.json', formatSpiffeBundle([partner.certPem], { sequence: 1 }));
    const serve = async (spiffeId: string | undefined) => {
      const cert = await issueCertificate(partner, { ...(spiffeId ? { spiffeId } : {}), dnsNames: ['localhost'], usage: 'server' });
      const server = await startEchoServer(protoRoot, cert, ours);
      servers.push(server);
      return server;
    };
    forged = await serve(INVENTORY);
    partnerServer = await serve(PARTNER_INVENTORY);
    partnerDnsOnly = await serve(undefined);
  });

  afterAll(async () => {
    channels.forEach((channel) => channel.close());
    await Promise.all(servers.map((server) => server.stop()));
    await tmp?.remove();
  });

  it("refuses partner's CA issuing our trust domain's ID, although TLS trusts that CA (federated bundle)", async () => {
    const { credentials } = await mtls({ expectedServerId: INVENTORY, federatedBundles: { 'partner.example': partnerBundle } });
    const error = await rampartErrorOf(whoAmI(`127.0.0.1:${forged.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toContain(
      `server certificate ${INVENTORY} refused: its chain does not lead to a CA in the trust bundle of demo.rampart.dev (issuer: CN=partner CA)`,
    );
    expect(forged.calls).toBe(0);
  });

  it("refuses a caFile that concatenates a partner CA naming its trust domain (SPIRE's CAs do), naming caFile", async () => {
    const spirePartner = await createCa({ commonName: 'partner SPIRE CA', validityDays: 1, trustDomain: 'partner.example' });
    const caFile = await tmp.write('both-ca.pem', ours.certPem + spirePartner.certPem);
    const channel = createMtlsChannelCredentials({ ...client, caFile, expectedServerId: INVENTORY });
    channels.push(channel);
    await expect(channel.ready).rejects.toThrow(
      `caFile ${caFile} holds the CA "CN=partner SPIRE CA" of trust domain partner.example (URI SAN spiffe://partner.example) as a CA of demo.rampart.dev`,
    );
  });

  it("accepts partner's CA for partner's trust domain when partner's bundle is configured for it", async () => {
    const { credentials } = await mtls({ expectedServerId: PARTNER_INVENTORY, federatedBundles: { 'partner.example': partnerBundle } });
    await expect(whoAmI(`127.0.0.1:${partnerServer.port}`, protoRoot, credentials)).resolves.toBe(ORDERS);
  });

  it("refuses partner's server when partner's bundle is configured under another trust domain", async () => {
    const { credentials } = await mtls({ expectedServerId: PARTNER_INVENTORY, federatedBundles: { 'elsewhere.example': partnerBundle } });
    const error = await rampartErrorOf(whoAmI(`127.0.0.1:${partnerServer.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toContain(
      `server certificate ${PARTNER_INVENTORY} refused: no trust bundle is configured for trust domain partner.example`,
    );
  });

  it("without a pin, a certificate without a SPIFFE ID must chain to the own bundle: partner's CA cannot vouch for a host name", async () => {
    const { credentials } = await mtls({ federatedBundles: { 'partner.example': partnerBundle } });
    const error = await rampartErrorOf(whoAmI(`localhost:${partnerDnsOnly.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toContain('server certificate without a SPIFFE ID refused: its chain does not lead to a CA in the trust bundle of');
    // The hostname check alone would have passed: the same server, the same client, partner's CA in caFile's trust domain.
    const caFile = await tmp.write('partner-as-own.pem', partner.certPem);
    const { credentials: partnerTrusting } = await mtls({ caFile, trustDomain: 'demo.rampart.dev' });
    await expect(whoAmI(`localhost:${partnerDnsOnly.port}`, protoRoot, partnerTrusting)).resolves.toBe(ORDERS);
  });

  it("without a pin, partner's server that names our host is refused: only the own trust domain vouches for host names", async () => {
    const { credentials } = await mtls({ federatedBundles: { 'partner.example': partnerBundle } });
    const before = partnerServer.calls;
    const error = await rampartErrorOf(whoAmI(`localhost:${partnerServer.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toContain(
      `server certificate ${PARTNER_INVENTORY} refused: it was checked by host name (no expectedServerId), which only this workload's own trust domain demo.rampart.dev vouches for`,
    );
    expect(partnerServer.calls).toBe(before);
  });

  it('names a bad federated trust domain up front', () => {
    expect(() => createMtlsChannelCredentials({ ...client, federatedBundles: { 'Partner.Example': partnerBundle } })).toThrow(
      /^federatedBundles: "Partner\.Example" is not a trust domain name/,
    );
  });
});
