import { Client, experimental, Server, type ServiceError, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { waitFor } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Source } from '../src/index.js';
import { TestWorkloadApi } from '../src/testing.js';

// grpc-js takes an X509Source as it is, for both certificate-provider roles: mTLS with identities from the
// Workload API only (no PEM files), and a rotation reaches new connections without a restart.

const SERVER_ID = 'spiffe://test.rampart.dev/inventory';
const CLIENT_ID = 'spiffe://test.rampart.dev/orders';
const PATH = '/test.Echo/WhoAmI';
const raw = (value: Buffer): Buffer => value;

let agent: TestWorkloadApi;
let serverSource: X509Source;
let clientSource: X509Source;
let server: Server;
let port: number;

beforeAll(async () => {
  agent = await TestWorkloadApi.start({ identities: [{ spiffeId: SERVER_ID, hint: 'server' }, { spiffeId: CLIENT_ID, hint: 'client' }] });
  serverSource = await X509Source.create({ address: agent.address, hint: 'server' });
  clientSource = await X509Source.create({ address: agent.address, hint: 'client' });
  server = new Server();
  const method = { path: PATH, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw };
  server.addService({ whoAmI: method }, {
    whoAmI: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      const peer = call.getAuthContext().sslPeerCertificate;
      callback(null, Buffer.from(peer?.raw === undefined ? '' : new X509Certificate(peer.raw).subjectAltName ?? ''));
    },
  });
  const credentials = experimental.createCertificateProviderServerCredentials(serverSource, serverSource, true);
  port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
});
afterAll(async () => {
  server.forceShutdown();
  serverSource.close();
  clientSource.close();
  await agent.close();
});

/** One call on a new connection; resolves with what the server saw of the client and the server certificate's serial. */
function callOnce(): Promise<{ peer: string; serverSerial: string }> {
  let serverSerial = '';
  const credentials = experimental.createCertificateProviderChannelCredentials(clientSource, clientSource, {
    checkServerIdentity: (_host, cert) => {
      serverSerial = cert.serialNumber;
      return cert.subjectaltname === `URI:${SERVER_ID}` ? undefined : new Error(`unexpected server ${cert.subjectaltname}`);
    },
  });
  const client = new Client(`127.0.0.1:${port}`, credentials);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(PATH, raw, raw, Buffer.alloc(0), (error: ServiceError | null, response?: Buffer) => {
      client.close();
      if (error) reject(error);
      else resolve({ peer: response!.toString(), serverSerial });
    });
  });
}

describe('grpc-js certificate-provider credentials from X509Sources', () => {
  it('serves mTLS with both identities from the Workload API, and takes a rotation on new connections', async () => {
    const first = await callOnce();
    expect(first.peer).toBe(`URI:${CLIENT_ID}`);
    expect(first.serverSerial.toUpperCase()).toBe(serverSource.svid().certificates[0]!.serialNumber.toUpperCase());
    const before = serverSource.svid().certificates[0]!.serialNumber;
    await agent.rotate();
    await waitFor(() => serverSource.svid().certificates[0]!.serialNumber !== before, 'the server source to rotate');
    const second = await callOnce();
    expect(second.peer).toBe(`URI:${CLIENT_ID}`);
    expect(second.serverSerial.toUpperCase()).toBe(serverSource.svid().certificates[0]!.serialNumber.toUpperCase());
    expect(second.serverSerial.toUpperCase()).not.toBe(before.toUpperCase());
  });
});
