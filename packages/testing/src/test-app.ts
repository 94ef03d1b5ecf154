import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import type { ClientCallOptions, ServiceClient, ServiceDescriptor, ServiceShape } from '@rampart/core';
import { createApp, type CreateAppOptions, type RampartApp } from '@rampart/server';
import { deepMerge } from './merge.js';
import { TestPki } from './test-pki.js';

/** Config values every test app starts with: loopback, a free port, quiet logs, a short shutdown grace. */
export const TEST_CONFIG_VALUES: Readonly<Record<string, unknown>> = {
  server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 1_000 },
  log: { level: 'silent' },
};

/** Options of {@link startTestApp}: those of `createApp`, with config given as values. */
export interface TestAppOptions extends Omit<CreateAppOptions, 'config' | 'handleSignals'> {
  /** Config values merged over {@link TEST_CONFIG_VALUES} (and the test PKI's TLS settings). */
  readonly values?: Record<string, unknown>;
  /** The environment the app's config sees; default: empty, so the machine's variables cannot leak into tests. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Serve plaintext instead of TLS with an ephemeral PKI (default false: tests run over TLS, like production). */
  readonly insecure?: boolean;
  /** The SPIFFE trust domain of the app and of the client certificates its PKI issues. Default `test.rampart.dev`. */
  readonly trustDomain?: string;
}

/** How a test client connects. */
export interface TestClientOptions {
  /** Present a client certificate for this SPIFFE ID (or a path such as `/orders` in the test trust domain). */
  readonly as?: string;
  /** Use these credentials instead (e.g. a certificate from another CA). */
  readonly credentials?: ChannelCredentials;
}

/** An app listening on 127.0.0.1 and a free port, with typed clients to it. */
export interface TestApp {
  readonly app: RampartApp;
  readonly address: string;
  readonly port: number;
  /** The ephemeral PKI, unless the app is plaintext. */
  readonly pki: TestPki | undefined;
  /** A typed client to one of the app's services; closed by {@link TestApp.close}. */
  client<S extends ServiceShape>(descriptor: ServiceDescriptor<S>, options?: TestClientOptions): Promise<ServiceClient<S>>;
  /** Closes the clients, then the app, then removes the PKI files. */
  close(): Promise<void>;
}

/**
 * Starts an app for a test on 127.0.0.1, port 0, over TLS with an ephemeral CA (unless `insecure`), without
 * signal handlers, with config only from code.
 *
 * @example
 * ```ts
 * const t = await startTestApp({ name: 'inventory', services: [InventoryService], protos: { root } });
 * const inventory = await t.client(InventoryServiceDescriptor, { as: '/orders' });
 * expect(await inventory.getStock({ sku: 'A-1' })).toMatchObject({ sku: 'A-1' });
 * await t.close();
 * ```
 */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const { values, env, insecure, trustDomain, ...rest } = options;
  const pki = insecure ? undefined : await TestPki.create(options.name, trustDomain);
  const transport = pki ? pki.transportValues : { transport: { insecure: true } };
  const app = await createApp({
    ...rest,
    config: { values: deepMerge(deepMerge({ ...TEST_CONFIG_VALUES }, transport), values ?? {}), env: env ?? {} },
    handleSignals: false,
  }).catch((error: unknown) => {
    pki?.cleanup();
    throw error;
  });
  const { address, port } = await app.listen();
  const clients: object[] = [];
  return {
    app,
    address,
    port,
    pki,
    async client(descriptor, clientOptions = {}) {
      const creds =
        clientOptions.credentials ??
        (pki
          ? pki.channelCredentials(clientOptions.as ? await pki.clientCertificate(clientOptions.as) : undefined)
          : credentials.createInsecure());
      const client = createClient(descriptor, {
        address,
        protoRoot: options.protos.root,
        ...(options.protos.includeDirs ? { protoIncludeDirs: options.protos.includeDirs } : {}),
        credentials: creds,
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) closeClient(client);
      await app.close({ graceMs: 500 });
      pki?.cleanup();
    },
  };
}

/** Call options with a bearer token in the `authorization` metadata. */
export function withBearer(token: string, options: ClientCallOptions = {}): ClientCallOptions {
  return { ...options, metadata: { ...(options.metadata ?? {}), authorization: `Bearer ${token}` } };
}
