import type { ChannelCredentials } from '@grpc/grpc-js';

/**
 * The certificate and key a connection presents, as one loaded pair. A token bound to a certificate (RFC 8705) is
 * valid only on connections that present that certificate, so a client keeps the two together.
 *
 * @example
 * ```ts
 * const identity: ClientIdentity = { certificate, privateKey, fingerprint256: 'AB:CD:…' };
 * const token = await tokens.token('inventory', identity); // bound to exactly this certificate
 * ```
 */
export interface ClientIdentity {
  /** The certificate file's content (leaf first, PEM). */
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  /** The leaf's SHA-256 fingerprint: tells two identities apart. */
  readonly fingerprint256: string;
}

/** What `createClient` needs of credentials whose certificate rotates: the pair in use, and credentials pinned to one. */
export interface IdentityChannel {
  /** The pair new connections present now; undefined until it was first loaded. */
  identity(): ClientIdentity | undefined;
  /** Channel credentials that present exactly `identity` (the trust bundles and the server check stay live). */
  credentialsFor(identity: ClientIdentity): ChannelCredentials;
}

const channels = new WeakMap<ChannelCredentials, IdentityChannel>();

/** Records that `credentials` (made by `createMtlsChannelCredentials`) present the rotating identity of `channel`. */
export function registerIdentityChannel(credentials: ChannelCredentials, channel: IdentityChannel): void {
  channels.set(credentials, channel);
}

/** The rotating identity behind credentials made by `createMtlsChannelCredentials`, if they are. */
export function identityChannelOf(credentials: ChannelCredentials): IdentityChannel | undefined {
  return channels.get(credentials);
}
