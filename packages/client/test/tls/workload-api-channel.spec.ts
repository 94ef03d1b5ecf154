import { Status } from '@rampart/core';
import { TestTrustDomain, TestWorkloadApi } from '@rampart/spiffe/testing';
import { rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkloadApiChannelCredentials } from '../../src/index.js';
import { startEchoServer, whoAmI, writeEchoProto, type EchoServer } from './support/echo-server.js';
import { tempDir, type TempDir } from './support/pki-dir.js';

// Channels whose identity and bundles come from the Workload API (the test agent), federated with partner.example:
// TLS trusts both CAs, and a server still counts only through the bundle of the trust domain of its own SPIFFE ID.
const TD = 'test.rampart.dev';
const ORDERS = `spiffe://${TD}/orders`;
const INVENTORY = `spiffe://${TD}/inventory`;
const PARTNER_INVENTORY = 'spiffe://partner.example/inventory';

describe('Workload API channel credentials against real servers (federated partner)', () => {
  let tmp: TempDir;
  let protoRoot: string;
  let agent: TestWorkloadApi;
  let partner: TestTrustDomain;
  const servers: EchoServer[] = [];

  /** A server presenting an SVID `issuer` minted for `spiffeId`, accepting clients of our CA. */
  const serve = async (issuer: TestTrustDomain, spiffeId: string): Promise<EchoServer> => {
    const svid = await issuer.mintX509Svid(spiffeId, 60_000, ['localhost']);
    const server = await startEchoServer(protoRoot, { certPem: svid.certificatePem, chainPem: svid.certificatePem, keyPem: svid.privateKeyPem } as never, agent.own.ca);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    tmp = await tempDir();
    protoRoot = await writeEchoProto(tmp);
    partner = await TestTrustDomain.create('partner.example');
    agent = await TestWorkloadApi.start({ identities: [{ spiffeId: ORDERS }], federated: [partner] });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await agent?.close();
    await tmp?.remove();
  });

  it("refuses partner's CA issuing one of our IDs, pinned or not, and no call reaches it", async () => {
    const forged = await serve(partner, INVENTORY);
    for (const options of [{ expectedServerId: INVENTORY }, {}]) {
      const channel = createWorkloadApiChannelCredentials({ address: agent.address, ...options });
      try {
        await channel.ready;
        const error = await rampartErrorOf(whoAmI(`localhost:${forged.port}`, protoRoot, channel.credentials));
        expect(error.status).toBe(Status.UNAVAILABLE);
        expect(error.message).toContain(`server certificate ${INVENTORY} refused: its chain does not lead to a CA in the trust bundle of ${TD}`);
      } finally {
        channel.close();
      }
    }
    expect(forged.calls).toBe(0);
  });

  it('accepts our own server when pinned, and refuses a partner server under our pin', async () => {
    const genuine = await serve(agent.own, INVENTORY);
    const partnerServer = await serve(partner, PARTNER_INVENTORY);
    const channel = createWorkloadApiChannelCredentials({ address: agent.address, expectedServerId: INVENTORY });
    try {
      await channel.ready;
      await expect(whoAmI(`127.0.0.1:${genuine.port}`, protoRoot, channel.credentials)).resolves.toBe(ORDERS);
      const error = await rampartErrorOf(whoAmI(`127.0.0.1:${partnerServer.port}`, protoRoot, channel.credentials));
      expect(error.status).toBe(Status.UNAVAILABLE);
      expect(partnerServer.calls).toBe(0);
    } finally {
      channel.close();
    }
  });
});
