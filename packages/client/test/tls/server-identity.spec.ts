import { type CertificateAuthority } from '@rampart/pki';
import { Status } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMtlsChannelCredentials, type MtlsChannel } from '../../src/index.js';
import { startEchoServer, whoAmI, writeEchoProto, type EchoServer } from './support/echo-server.js';
import {
  createCa,
  INVENTORY,
  issueCertificate,
  ORDERS,
  tempDir,
  writeClientFiles,
  type ClientFiles,
  type TempDir,
} from './support/pki-dir.js';

describe('server identity check over real TLS', () => {
  let tmp: TempDir;
  let protoRoot: string;
  let ca: CertificateAuthority;
  let client: ClientFiles;
  const servers: EchoServer[] = [];
  const channels: MtlsChannel[] = [];
  /** Inventory: SPIFFE ID only, no DNS or IP SAN, so no hostname check could pass. */
  let inventory: EchoServer;
  /** A server for `localhost` only (DNS SAN, no IP SAN, no SPIFFE ID). */
  let localhostOnly: EchoServer;
  /** Claims the inventory ID, but with a certificate from a CA the client does not trust. */
  let impostor: EchoServer;
  /** Trusted CA, but a certificate with two URI SANs. */
  let twoUris: EchoServer;

  const mtls = async (expectedServerId?: string): Promise<MtlsChannel> => {
    const channel = createMtlsChannelCredentials({ ...client, expectedServerId });
    channels.push(channel);
    await channel.ready;
    return channel;
  };
  const start = async (server: Promise<EchoServer>): Promise<EchoServer> => {
    servers.push(await server);
    return servers[servers.length - 1]!;
  };

  beforeAll(async () => {
    tmp = await tempDir();
    protoRoot = await writeEchoProto(tmp);
    ca = await createCa({ commonName: 'client test CA', validityDays: 1 });
    const otherCa = await createCa({ commonName: 'untrusted CA', validityDays: 1 });
    client = await writeClientFiles(tmp, 'orders', ca, { spiffeId: ORDERS });
    inventory = await start(startEchoServer(protoRoot, await issueCertificate(ca, { spiffeId: INVENTORY, usage: 'server' }), ca));
    localhostOnly = await start(
      startEchoServer(protoRoot, await issueCertificate(ca, { dnsNames: ['localhost'], usage: 'server' }), ca),
    );
    impostor = await start(
      startEchoServer(protoRoot, await issueCertificate(otherCa, { spiffeId: INVENTORY, usage: 'server' }), ca),
    );
    twoUris = await start(
      startEchoServer(
        protoRoot,
        await issueCertificate(ca, { unsafeUris: [INVENTORY, 'https://inventory.example'], usage: 'server' }),
        ca,
      ),
    );
  });

  afterAll(async () => {
    channels.forEach((channel) => channel.close());
    await Promise.all(servers.map((server) => server.stop()));
    await tmp?.remove();
  });

  it('calls a server that presents the pinned SPIFFE ID, in place of the hostname check', async () => {
    const { credentials } = await mtls(INVENTORY);
    await expect(whoAmI(`127.0.0.1:${inventory.port}`, protoRoot, credentials)).resolves.toBe(ORDERS);
  });

  it('refuses a server that presents another SPIFFE ID: UNAVAILABLE, with the mismatch in the details', async () => {
    const { credentials } = await mtls(`spiffe://demo.rampart.dev/payments`);
    const error = await rampartErrorOf(whoAmI(`127.0.0.1:${inventory.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toContain(
      `server identity mismatch: expected spiffe://demo.rampart.dev/payments, got ${INVENTORY}`,
    );
  });

  it('refuses a server without a SPIFFE ID when pinned', async () => {
    const { credentials } = await mtls(INVENTORY);
    const error = await rampartErrorOf(whoAmI(`localhost:${localhostOnly.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toContain(`expected ${INVENTORY}, got no SPIFFE ID (the certificate has no URI SAN)`);
  });

  it('refuses a server whose certificate carries two URI SANs, even if one is the pinned ID', async () => {
    const { credentials } = await mtls(INVENTORY);
    const error = await rampartErrorOf(whoAmI(`127.0.0.1:${twoUris.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toContain(`expected ${INVENTORY}, got 2 URI SANs`);
  });

  it('still verifies the chain: the pinned ID from an untrusted CA is refused', async () => {
    const { credentials } = await mtls(INVENTORY);
    const error = await rampartErrorOf(whoAmI(`127.0.0.1:${impostor.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toMatch(/certificate/i);
    expect(error.message).not.toContain('server identity mismatch');
  });

  it('without a pin, checks the hostname: localhost passes', async () => {
    const { credentials } = await mtls();
    await expect(whoAmI(`localhost:${localhostOnly.port}`, protoRoot, credentials)).resolves.toBe(ORDERS);
  });

  it('without a pin, checks the hostname: an address the certificate does not name fails', async () => {
    const { credentials } = await mtls();
    const error = await rampartErrorOf(whoAmI(`127.0.0.1:${localhostOnly.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toMatch(/does not match certificate's altnames/);
  });

  it('without a pin, refuses a server certificate from an untrusted CA', async () => {
    const { credentials } = await mtls();
    const error = await rampartErrorOf(whoAmI(`127.0.0.1:${impostor.port}`, protoRoot, credentials));
    expect(error.status).toBe(Status.UNAVAILABLE);
    expect(error.message).toMatch(/certificate/i);
  });
});
