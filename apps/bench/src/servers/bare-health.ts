import { readFileSync } from 'node:fs';
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';
import type { Fixtures } from '../ipc.js';
import { BENCH_PROTO_FILE, BENCH_PROTO_ROOT, BENCH_SERVICE } from '../paths.js';

/**
 * `@rampart/codegen`'s `PROTO_LOADER_OPTIONS`, written out: importing that package would load the code generator
 * into a process whose start-up is measured as bare grpc-js's (`test/startup.spec.ts` checks they agree).
 */
export const BARE_LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true } as const;

/**
 * The start-up baseline: what a grpc-js user writes to serve the bench proto over mutual TLS with the standard health
 * service (`grpc-health-check`), and nothing else: load the proto, add the service and health, bind. SERVING from the
 * moment the port is bound. It imports grpc-js, proto-loader and grpc-health-check only.
 */
export async function startBareWithHealth(fixtures: Fixtures, port: number): Promise<void> {
  const definition = loadSync(BENCH_PROTO_FILE, { ...BARE_LOADER_OPTIONS, includeDirs: [BENCH_PROTO_ROOT] });
  const server = new Server();
  server.addService(definition[BENCH_SERVICE] as ServiceDefinition, {
    echo: (call: ServerUnaryCall<{ payload: string }, { payload: string }>, callback: sendUnaryData<{ payload: string }>) =>
      callback(null, { payload: call.request.payload }),
  });
  new HealthImplementation({ '': 'SERVING' }).addToServer(server);
  const credentials = ServerCredentials.createSsl(
    readFileSync(fixtures.caFile),
    [{ private_key: readFileSync(fixtures.serverKeyFile), cert_chain: readFileSync(fixtures.serverCertFile) }],
    true,
  );
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
}
