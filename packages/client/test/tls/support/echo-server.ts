import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type GrpcObject,
  type ServiceClientConstructor,
  type sendUnaryData,
  type ServerOptions,
  type ServerUnaryCall,
  status,
} from '@grpc/grpc-js';
import { thumbprintOfDer } from '@rampart/pki';
import { loadSync } from '@grpc/proto-loader';
import { mkdir } from 'node:fs/promises';
import type { ChannelCredentials } from '@grpc/grpc-js';
import type { CertificateAuthority, IssuedCertificate } from '@rampart/pki';
import type { MethodShape, ServiceDescriptor } from '@rampart/core';
import { closeClient, createClient } from '../../../src/index.js';
import { spiffeIdOfCertificate } from '../../../src/tls/spiffe-id-of-certificate.js';
import type { TempDir } from './pki-dir.js';

export const ECHO_PROTO = 'rampart/test/v1/echo.proto';

const PROTO_SOURCE = `syntax = "proto3";
package rampart.test.v1;
message WhoAmIRequest {}
message WhoAmIResponse { string peer_spiffe_id = 1; }
service EchoService { rpc WhoAmI(WhoAmIRequest) returns (WhoAmIResponse); }
`;

/** The test service: it answers with the SPIFFE ID of the client certificate it verified ('' if none). */
export type EchoShape = {
  readonly whoAmI: MethodShape<'unary', object, object, { peerSpiffeId?: string }, { peerSpiffeId: string }>;
};

export const EchoDescriptor: ServiceDescriptor<EchoShape> = {
  typeName: 'rampart.test.v1.EchoService',
  protoFile: ECHO_PROTO,
  methods: { whoAmI: { name: 'WhoAmI', path: '/rampart.test.v1.EchoService/WhoAmI', kind: 'unary' } },
};

/** Writes the echo proto under `<tmp>/protos` and returns that proto root. */
export async function writeEchoProto(tmp: TempDir): Promise<string> {
  await mkdir(tmp.path('protos/rampart/test/v1'), { recursive: true });
  await tmp.write(`protos/${ECHO_PROTO}`, PROTO_SOURCE);
  return tmp.path('protos');
}

export interface EchoServer {
  readonly port: number;
  /** Calls answered so far. */
  readonly calls: number;
  stop(): Promise<void>;
}

/**
 * A plain grpc-js server on 127.0.0.1, port 0, with `createSsl`: it presents `serverCert` and requires a
 * client certificate that chains to `clientCa`. `options` are grpc-js server options (e.g.
 * `grpc.max_connection_age_ms`, which makes clients connect, and so present their certificate, again).
 */
export async function startEchoServer(
  protoRoot: string,
  serverCert: IssuedCertificate,
  clientCa: CertificateAuthority,
  options: ServerOptions = {},
  requireBoundToken = false,
): Promise<EchoServer> {
  const definition = loadSync(ECHO_PROTO, { includeDirs: [protoRoot], keepCase: false, defaults: true });
  const pkg = loadPackageDefinition(definition);
  const service = (((pkg['rampart'] as GrpcObject)['test'] as GrpcObject)['v1'] as GrpcObject)[
    'EchoService'
  ] as ServiceClientConstructor;
  const server = new Server(options);
  let calls = 0;
  server.addService(service.service, {
    WhoAmI(call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
      if (requireBoundToken) {
        // A stand-in for the RFC 8705 check: the bearer value must be the thumbprint of this connection's certificate.
        const raw = call.getAuthContext().sslPeerCertificate?.raw;
        const expected = raw ? `Bearer ${thumbprintOfDer(raw)}` : '';
        if (call.metadata.get('authorization')[0] !== expected) {
          callback({ code: status.UNAUTHENTICATED, details: 'token not bound to the certificate of this connection' });
          return;
        }
      }
      calls += 1;
      callback(null, { peerSpiffeId: spiffeIdOfCertificate(call.getAuthContext().sslPeerCertificate) ?? '' });
    },
  });
  const credentials = ServerCredentials.createSsl(
    Buffer.from(clientCa.certPem),
    [{ cert_chain: Buffer.from(serverCert.chainPem), private_key: Buffer.from(serverCert.keyPem) }],
    true,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    get calls() {
      return calls;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1_000).unref();
      }),
  };
}

/**
 * Calls WhoAmI once over a client of its own (`use_local_subchannel_pool`, so a new connection) and closes it.
 * Resolves with the SPIFFE ID the server saw; rejects with the call's RampartError.
 */
export async function whoAmI(address: string, protoRoot: string, credentials: ChannelCredentials): Promise<string> {
  const client = createClient(EchoDescriptor, {
    address,
    protoRoot,
    credentials,
    channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
    defaultDeadlineMs: 10_000,
  });
  try {
    return (await client.whoAmI({})).peerSpiffeId;
  } finally {
    closeClient(client);
  }
}
