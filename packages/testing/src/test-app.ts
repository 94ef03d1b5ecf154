import { credentials } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import type { ServiceClient, ServiceDescriptor, ServiceShape } from '@rampart/core';
import { createApp, type CreateAppOptions, type RampartApp } from '@rampart/server';
import { deepMerge } from './merge.js';

/** Config values every test app starts with: loopback, a free port, quiet logs, a short shutdown grace. */
export const TEST_CONFIG_VALUES: Readonly<Record<string, unknown>> = {
  server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 1_000 },
  transport: { insecure: true },
  log: { level: 'silent' },
};

/** Options of {@link startTestApp}: those of `createApp`, with config given as values. */
export interface TestAppOptions extends Omit<CreateAppOptions, 'config' | 'handleSignals'> {
  /** Config values merged over {@link TEST_CONFIG_VALUES}. */
  readonly values?: Record<string, unknown>;
  /** The environment the app's config sees; default: empty, so the machine's variables cannot leak into tests. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** An app listening on 127.0.0.1 and a free port, with typed clients to it. */
export interface TestApp {
  readonly app: RampartApp;
  readonly address: string;
  readonly port: number;
  /** A typed client to one of the app's services; closed by {@link TestApp.close}. */
  client<S extends ServiceShape>(descriptor: ServiceDescriptor<S>): ServiceClient<S>;
  /** Closes the clients, then the app. */
  close(): Promise<void>;
}

/**
 * Starts an app for a test on 127.0.0.1, port 0, without signal handlers, with config only from code.
 *
 * @example
 * ```ts
 * const t = await startTestApp({ name: 'inventory', services: [InventoryService], protos: { root } });
 * const inventory = t.client(InventoryServiceDescriptor);
 * expect(await inventory.getStock({ sku: 'A-1' })).toMatchObject({ sku: 'A-1' });
 * await t.close();
 * ```
 */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const { values, env, ...rest } = options;
  const app = await createApp({
    ...rest,
    config: { values: deepMerge({ ...TEST_CONFIG_VALUES }, values ?? {}), env: env ?? {} },
    handleSignals: false,
  });
  const { address, port } = await app.listen();
  const clients: object[] = [];
  return {
    app,
    address,
    port,
    client(descriptor) {
      const client = createClient(descriptor, {
        address,
        protoRoot: options.protos.root,
        credentials: credentials.createInsecure(),
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) closeClient(client);
      await app.close({ graceMs: 500 });
    },
  };
}
