import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { PeerIdentity } from '@rampart/core';
import { identityFromDer } from './peer-identity.js';

/**
 * What grpc-js 1.14's handler call objects keep: the server call (`call`), whose HTTP/2 stream's session is the
 * connection.
 */
interface WithSession {
  readonly call?: { readonly stream?: { readonly session?: object } };
}

/** A grpc-js handler call: what the cache reads of it. */
export type PeerCall = Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>;

function sessionOf(call: PeerCall): object | undefined {
  return (call as unknown as WithSession).call?.stream?.session;
}

/**
 * The peer identity of each connection, computed once: grpc-js rebuilds the peer certificate object on every
 * `getAuthContext()` (tens of µs) and parsing X.509 costs more, so both happen once per HTTP/2 session and the
 * result is kept in a WeakMap keyed by that session. A new connection is a new session, so an identity is never
 * served to another connection, and it is dropped with the session. grpc-js does not expose the session publicly;
 * when it cannot be reached (another grpc-js version), the identity is computed per call — correct, only slower.
 */
export class PeerIdentityCache {
  readonly #bySession = new WeakMap<object, PeerIdentity | null>();

  /** The verified peer identity of the call's connection, or undefined without a verified client certificate. */
  of(call: PeerCall): PeerIdentity | undefined {
    const session = sessionOf(call);
    if (session !== undefined) {
      const cached = this.#bySession.get(session);
      if (cached !== undefined) return cached ?? undefined;
    }
    const raw = call.getAuthContext().sslPeerCertificate?.raw;
    const identity = raw ? identityFromDer(raw) : null;
    if (session !== undefined) this.#bySession.set(session, identity);
    return identity ?? undefined;
  }

  /** Whether this grpc-js exposes the connection, so identities are cached per connection. */
  static canCachePerConnection(call: PeerCall): boolean {
    return sessionOf(call) !== undefined;
  }
}
