import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { closeClient, createClient, createMtlsChannelCredentials, TokenClient, type MtlsChannel } from '@rampart/client';
import type { ServiceDescriptor, ServiceShape, ServiceClient } from '@rampart/core';
import { readFileSync } from 'node:fs';
import { PROTO_ROOT } from '@rampart/protos';
import { demoId, type DemoPki } from './dev-pki.js';

/** Where the sample system's `.proto` files are: the `@rampart/protos` package, so they travel with a deployed app. */
export { PROTO_ROOT };

/** Creates clients as different callers and closes them all at the end. */
export class Callers {
  readonly #closers: (() => void | Promise<void>)[] = [];

  constructor(
    private readonly pki: DemoPki,
    readonly issuerUrl: string,
  ) {}

  /** A workload's certificate files. */
  files(name: string): { cert: string; key: string; thumbprint?: string } {
    const w = this.pki.workloads[name];
    if (!w) throw new Error(`no certificate for ${name}`);
    return { cert: w.chain, key: w.key };
  }

  /** Tokens from the demo issuer for a registered workload, asking for `scopes` per audience. */
  tokens(name: string, scopes: Record<string, string[]>): TokenClient {
    const f = this.files(name);
    const client = new TokenClient({ issuer: this.issuerUrl, clientId: name, certFile: f.cert, keyFile: f.key, caFile: this.pki.caCert, scopes });
    this.#closers.push(() => client.close());
    return client;
  }

  /** mTLS credentials presenting a workload's certificate and checking the server's SPIFFE ID. */
  async mtls(name: string, server: string): Promise<ChannelCredentials> {
    const f = this.files(name);
    const channel: MtlsChannel = createMtlsChannelCredentials({ certFile: f.cert, keyFile: f.key, caFile: this.pki.caCert, expectedServerId: demoId(server) });
    this.#closers.push(() => channel.close());
    await channel.ready;
    return channel.credentials;
  }

  /** TLS that trusts the demo CA but presents no certificate. */
  anonymous(): ChannelCredentials {
    return credentials.createSsl(readFileSync(this.pki.caCert));
  }

  /** TLS presenting a certificate from a CA nobody trusts. */
  rogue(): ChannelCredentials {
    return credentials.createSsl(readFileSync(this.pki.caCert), readFileSync(this.pki.rogue.key), readFileSync(this.pki.rogue.cert));
  }

  client<S extends ServiceShape>(
    descriptor: ServiceDescriptor<S>,
    address: string,
    channel: ChannelCredentials,
    tokens?: { source: TokenClient; audience: string },
  ): ServiceClient<S> {
    const client = createClient(descriptor, {
      address,
      protoRoot: PROTO_ROOT,
      credentials: channel,
      defaultDeadlineMs: 10_000,
      // Connect to 127.0.0.1, check the certificate for "localhost" when no SPIFFE ID is pinned.
      channelOptions: { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost', 'grpc.use_local_subchannel_pool': 1 },
      ...(tokens ? { tokens } : {}),
    });
    this.#closers.push(() => closeClient(client));
    return client;
  }

  async close(): Promise<void> {
    for (const close of this.#closers.reverse()) await close();
  }
}
