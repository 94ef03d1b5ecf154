import type { ChannelCredentials, Client } from '@grpc/grpc-js';
import type { ClientIdentity, IdentityChannel } from './tls/channel-identity.js';

/** One generation of a client's connections: all present the same certificate. */
export interface Epoch {
  readonly client: Client;
  /** The certificate its connections present; undefined before the credentials first loaded one. */
  readonly identity: ClientIdentity | undefined;
  inFlight: number;
  retired: boolean;
}

/**
 * The connections of a client that sends certificate-bound tokens, one generation per certificate. A token is
 * bound to one certificate (RFC 8705) and valid only on connections that present it, but a channel that re-reads its
 * files presents the new certificate on new connections while old ones keep the old: either token fails on some
 * connection (`pnpm chaos`: every call from orders to inventory failed after orders' certificate rotated, until orders
 * restarted). So each call takes the current generation, gets a token bound to its certificate and goes on its
 * connections; when the certificate changes, the next call starts a new generation (a grpc-js client whose
 * credentials present only the new certificate), and the old one is closed once its last call has ended.
 */
export class IdentityEpochs {
  #epoch: Epoch;

  constructor(
    private readonly make: (credentials: ChannelCredentials) => Client,
    private readonly base: ChannelCredentials,
    private readonly channel: IdentityChannel | undefined,
  ) {
    this.#epoch = this.#open(channel?.identity());
  }

  /** The generation a new call goes on (a new one when the certificate changed); release it when the call ends. */
  acquire(): Epoch {
    const now = this.channel?.identity();
    if (now !== undefined && now.fingerprint256 !== this.#epoch.identity?.fingerprint256) {
      const old = this.#epoch;
      old.retired = true;
      if (old.inFlight === 0) old.client.close();
      this.#epoch = this.#open(now);
    }
    this.#epoch.inFlight += 1;
    return this.#epoch;
  }

  release(epoch: Epoch): void {
    epoch.inFlight -= 1;
    if (epoch.retired && epoch.inFlight === 0) epoch.client.close();
  }

  /** The current generation's grpc-js client (for tests and `closeClient`). */
  get current(): Client {
    return this.#epoch.client;
  }

  close(): void {
    this.#epoch.client.close();
  }

  #open(identity: ClientIdentity | undefined): Epoch {
    const credentials = identity === undefined || this.channel === undefined ? this.base : this.channel.credentialsFor(identity);
    return { client: this.make(credentials), identity, inFlight: 0, retired: false };
  }
}
