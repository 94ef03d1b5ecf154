import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status,
  type ServerInterceptor,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '@rampart/codegen';
import type { EchoRequest__Output, EchoResponse, StreamRequest__Output } from '../generated/index.js';
import type { Fixtures } from '../ipc.js';
import { BENCH_PROTO_FILE, BENCH_PROTO_ROOT, BENCH_SERVICE } from '../paths.js';
import { rawJoseVerifier } from './raw-jose.js';
import { served } from './served.js';

/** The bench service's grpc-js definition, loaded with the options Rampart uses. */
export function benchServiceDefinition(): ServiceDefinition {
  const definition = loadSync(BENCH_PROTO_FILE, { ...PROTO_LOADER_OPTIONS, includeDirs: [BENCH_PROTO_ROOT] });
  return definition[BENCH_SERVICE] as ServiceDefinition;
}

/** The handlers a grpc-js user writes by hand: echo, and a server stream that respects back-pressure. */
export const bareHandlers = {
  echo(call: ServerUnaryCall<EchoRequest__Output, EchoResponse>, callback: sendUnaryData<EchoResponse>): void {
    served.units += 1;
    callback(null, { payload: call.request.payload });
  },
  stream(call: ServerWritableStream<StreamRequest__Output, EchoResponse>): void {
    const { payload, count } = call.request;
    void (async () => {
      for (let i = 0; i < count && !call.cancelled; i++) {
        served.units += 1;
        if (!call.write({ payload })) await once(call, 'drain');
      }
      call.end();
    })();
  },
};

/**
 * Bare grpc-js handlers that verify the call's bearer token with jose `jwtVerify` on every call (the key imported
 * once, the claim checks Rampart asks for; no cache): what jose itself costs per call inside a grpc-js server, the
 * floor for Rampart's cold verification.
 */
async function joseHandlers(fixtures: Fixtures): Promise<typeof bareHandlers> {
  const verify = await rawJoseVerifier(fixtures);
  return {
    ...bareHandlers,
    echo(call, callback) {
      const header = call.metadata.get('authorization')[0];
      if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
        callback({ code: status.UNAUTHENTICATED, details: 'missing token' });
        return;
      }
      verify(header.slice(7)).then(
        () => bareHandlers.echo(call, callback),
        () => callback({ code: status.UNAUTHENTICATED, details: 'invalid token' }),
      );
    },
  };
}

/**
 * A server interceptor that holds nothing and changes nothing: what grpc-js charges per call once any interceptor is
 * installed (it then wraps every call in a `ServerInterceptingCall` layer). A framework that must hold the request
 * until an asynchronous check decides pays at least this.
 */
const passThrough: ServerInterceptor = (_descriptor, call) =>
  new ServerInterceptingCall(call, {
    start(next) {
      next({
        onReceiveMetadata(metadata, passOn) {
          passOn(metadata);
        },
      });
    },
  });

/**
 * The grpc-js server options a Rampart app sets with its default config (`grpcServerOptions` in
 * packages/server/src/server-options.ts, server.* defaults): the `grpc-mtls-options` scenario serves bare grpc-js
 * with them, to tell their cost from Rampart's own.
 */
const RAMPART_DEFAULT_OPTIONS = {
  'grpc.max_receive_message_length': 4 * 1024 * 1024,
  'grpc.max_send_message_length': 4 * 1024 * 1024,
  'grpc.max_concurrent_streams': 1000,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.max_connection_age_ms': 120_000,
  'grpc.max_connection_age_grace_ms': 30_000,
  'grpc.max_connection_idle_ms': 600_000,
  'grpc-node.max_session_memory': 32,
};

/**
 * Bare grpc-js: the ceiling for any framework on it. `mtls` serves TLS and requires a client certificate from the
 * bench CA at the port (`createSsl(..., true)`), as a grpc-js user would; otherwise plaintext.
 */
export async function startBareGrpc(
  fixtures: Fixtures,
  mtls: boolean,
  variant: 'interceptor' | 'jose' | 'rampart-options' | undefined = undefined,
): Promise<{ port: number; close(): void }> {
  const server = new Server(variant === 'interceptor' ? { interceptors: [passThrough] } : variant === 'rampart-options' ? RAMPART_DEFAULT_OPTIONS : {});
  server.addService(benchServiceDefinition(), variant === 'jose' ? await joseHandlers(fixtures) : bareHandlers);
  const credentials = mtls
    ? ServerCredentials.createSsl(
        readFileSync(fixtures.caFile),
        [{ private_key: readFileSync(fixtures.serverKeyFile), cert_chain: readFileSync(fixtures.serverCertFile) }],
        true,
      )
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, close: () => server.forceShutdown() };
}
