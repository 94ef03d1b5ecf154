import { X509Certificate } from 'node:crypto';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { PeerIdentity } from '@rampart/core';
import {
  ChainMemory,
  issuersOf,
  shortName,
  type CertificateWithIssuer,
  type TrustDomainBundles,
} from '@rampart/pki/internal';
import { identityFromCertificate } from './peer-identity.js';

/**
 * What grpc-js 1.14's handler call objects keep: the server call (`call`), whose HTTP/2 stream's session is the
 * connection, and the session's TLS socket.
 */
interface WithSession {
  readonly call?: { readonly stream?: { readonly session?: Session } };
}

interface Session {
  readonly socket?: { getPeerCertificate?(detailed: true): CertificateWithIssuer };
}

/** A grpc-js handler call: what the cache reads of it. */
export type PeerCall = Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>;

/**
 * A client certificate that TLS verified but that does not count: its chain does not lead to a CA in the bundle of
 * its own trust domain. The call is treated as having no verified certificate; `reason` says why, for the audit.
 */
export class PeerRefusal {
  constructor(readonly reason: string) {}
}

/** Where the trust bundles by trust domain come from; undefined: no scoped check. */
export type TrustBundlesSource = () => TrustDomainBundles | undefined;

/** Why the certificate does not count under the bundles by trust domain (fails closed when the check cannot run). */
function anchorProblem(
  bundles: TrustDomainBundles | undefined,
  cert: X509Certificate,
  identity: PeerIdentity,
  session: Session | undefined,
  chains: ChainMemory,
): string | undefined {
  if (bundles === undefined) return 'no trust bundles are loaded';
  try {
    let presented: X509Certificate[] = [];
    // A resumed TLS session carries the leaf alone: then the intermediates are those seen at its full handshake.
    const problem = bundles.anchorProblem(cert, identity.trustDomain, () => {
      presented = issuersOf(session?.socket?.getPeerCertificate?.(true));
      return presented.length > 0 ? presented : chains.recall(cert);
    });
    if (problem === undefined) chains.remember(cert, presented);
    return problem;
  } catch (error) {
    return `its chain could not be checked (${error instanceof Error ? error.message : String(error)})`;
  }
}

function sessionOf(call: PeerCall): Session | undefined {
  return (call as unknown as WithSession).call?.stream?.session;
}

/**
 * The peer identity of each connection, computed once: grpc-js rebuilds the peer certificate object on every
 * `getAuthContext()` (tens of µs) and parsing X.509 costs more, so both happen once per HTTP/2 session and the
 * result is kept in a WeakMap keyed by that session. A new connection is a new session, so an identity is never
 * served to another connection, and it is dropped with the session. grpc-js does not expose the session publicly;
 * when it cannot be reached (another grpc-js version), the identity is computed per call — correct, only slower.
 *
 * With trust bundles by trust domain ({@link PeerIdentityCache.useTrustBundles}), the certificate must also chain to
 * the bundle of the trust domain in its own SPIFFE ID (the own bundle for one without): TLS verified it against the
 * union of all bundles, so a partner's CA could otherwise vouch for `spiffe://yours/…`. A certificate that does not
 * is a {@link PeerRefusal}. The intermediates come from the session's TLS socket (`getPeerCertificate(true)`), read
 * only when no CA of the bundle signed the leaf directly; on a resumed TLS session, which carries the leaf alone,
 * from those the same leaf came with at its full handshake ({@link ChainMemory}).
 */
export class PeerIdentityCache {
  readonly #bySession = new WeakMap<object, PeerIdentity | PeerRefusal | null>();
  /** Intermediates of client chains seen at full handshakes, for resumed sessions (which carry the leaf alone). */
  readonly #chains = new ChainMemory();
  #bundles: TrustBundlesSource | undefined;

  /** Checks every new connection's certificate against the bundle of its trust domain from now on. */
  useTrustBundles(bundles: TrustBundlesSource | undefined): void {
    this.#bundles = bundles;
  }

  /** The verified peer identity of the call's connection, or undefined without a verified client certificate. */
  of(call: PeerCall): PeerIdentity | undefined {
    const peer = this.lookup(call);
    return peer instanceof PeerRefusal ? undefined : peer;
  }

  /**
   * The call's connection's verified peer identity, a {@link PeerRefusal} for a certificate that TLS verified but
   * whose chain does not lead to the bundle of its trust domain, or undefined without a client certificate.
   */
  lookup(call: PeerCall): PeerIdentity | PeerRefusal | undefined {
    const session = sessionOf(call);
    if (session !== undefined) {
      const cached = this.#bySession.get(session);
      if (cached !== undefined) return cached ?? undefined;
    }
    const raw = call.getAuthContext().sslPeerCertificate?.raw;
    const peer = raw ? this.#evaluate(raw, session) : null;
    if (session !== undefined) this.#bySession.set(session, peer);
    return peer ?? undefined;
  }

  #evaluate(raw: Buffer, session: Session | undefined): PeerIdentity | PeerRefusal {
    const cert = new X509Certificate(raw);
    const identity = identityFromCertificate(cert);
    if (this.#bundles === undefined) return identity;
    const problem = anchorProblem(this.#bundles(), cert, identity, session, this.#chains);
    if (problem === undefined) return identity;
    return new PeerRefusal(`client certificate ${identity.spiffeId ?? `without a SPIFFE ID (${shortName(identity.subject)})`} refused: ${problem}`);
  }

  /** Whether this grpc-js exposes the connection, so identities are cached per connection. */
  static canCachePerConnection(call: PeerCall): boolean {
    return sessionOf(call) !== undefined;
  }
}
