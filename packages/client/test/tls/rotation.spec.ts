import { Status } from '@rampart/core';
import { type CertificateAuthority } from '@rampart/pki';
import { eventually, rampartErrorOf } from '@rampart/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, createMtlsChannelCredentials, type MtlsChannel } from '../../src/index.js';
import { EchoDescriptor, startEchoServer, whoAmI, writeEchoProto, type EchoServer } from './support/echo-server.js';
import { BILLING, createCa, INVENTORY, issueCertificate, ORDERS, tempDir, writeClientFiles, type TempDir } from './support/pki-dir.js';

const REFRESH_MS = 200;

describe('hot reload of the client files', () => {
  let tmp: TempDir;
  let protoRoot: string;
  let ca1: CertificateAuthority;
  let ca2: CertificateAuthority;
  /** Presents a CA1 certificate for the inventory ID; accepts CA1 client certificates. */
  let server1: EchoServer;
  /** Presents a CA2 certificate for the inventory ID; accepts CA1 client certificates. */
  let server2: EchoServer;
  let channels: MtlsChannel[] = [];

  beforeAll(async () => {
    tmp = await tempDir();
    protoRoot = await writeEchoProto(tmp);
    ca1 = await createCa({ commonName: 'CA1', validityDays: 1 });
    ca2 = await createCa({ commonName: 'CA2', validityDays: 1 });
    server1 = await startEchoServer(protoRoot, await issueCertificate(ca1, { spiffeId: INVENTORY, usage: 'server' }), ca1);
    server2 = await startEchoServer(protoRoot, await issueCertificate(ca2, { spiffeId: INVENTORY, usage: 'server' }), ca1);
  });
  afterEach(() => {
    channels.forEach((channel) => channel.close());
    channels = [];
  });
  afterAll(async () => {
    await server1?.stop();
    await server2?.stop();
    await tmp?.remove();
  });

  const mtls = async (files: { certFile: string; keyFile: string; caFile: string }): Promise<MtlsChannel> => {
    const channel = createMtlsChannelCredentials({ ...files, expectedServerId: INVENTORY, refreshIntervalMs: REFRESH_MS });
    channels.push(channel);
    await channel.ready;
    return channel;
  };

  it('new connections present a rotated client certificate; an open one keeps going', async () => {
    const files = await writeClientFiles(tmp, 'rotating', ca1, { spiffeId: ORDERS });
    const { credentials } = await mtls(files);
    const address = `127.0.0.1:${server1.port}`;
    const open = createClient(EchoDescriptor, { address, protoRoot, credentials, defaultDeadlineMs: 10_000 });
    try {
      expect((await open.whoAmI({})).peerSpiffeId).toBe(ORDERS);

      const rotated = await issueCertificate(ca1, { spiffeId: BILLING, usage: 'client' });
      await tmp.write('rotating-key.pem', rotated.keyPem);
      await tmp.write('rotating.pem', rotated.certPem);

      const seen = await eventually(() => whoAmI(address, protoRoot, credentials), (id) => id === BILLING);
      expect(seen).toBe(BILLING);
      expect((await open.whoAmI({})).peerSpiffeId).toBe(ORDERS);
    } finally {
      closeClient(open);
    }
  });

  it('follows trust-bundle changes: new CA trusted after it is added, old one refused after it is removed', async () => {
    const files = await writeClientFiles(tmp, 'bundle', ca1, { spiffeId: ORDERS });
    const { credentials } = await mtls(files);
    const call1 = (): Promise<string> => whoAmI(`127.0.0.1:${server1.port}`, protoRoot, credentials);
    const call2 = (): Promise<string> => whoAmI(`127.0.0.1:${server2.port}`, protoRoot, credentials);

    expect(await call1()).toBe(ORDERS);
    expect((await rampartErrorOf(call2())).status).toBe(Status.UNAVAILABLE);

    await tmp.write('bundle-ca.pem', ca1.certPem + ca2.certPem);
    expect(await eventually(call2, (id) => id === ORDERS)).toBe(ORDERS);
    expect(await call1()).toBe(ORDERS);

    await tmp.write('bundle-ca.pem', ca2.certPem);
    const refused = await eventually(
      () => call1().then(() => undefined, (error: unknown) => error),
      (error) => error !== undefined,
    );
    expect(refused).toMatchObject({ status: Status.UNAVAILABLE });
    expect(await call2()).toBe(ORDERS);
  });
});
