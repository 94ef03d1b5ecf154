import { parseSubjectAltNames } from '@rampart/core';
import type { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

/** The part of Koa's context the mTLS callbacks read. */
interface WithSocket {
  readonly socket: Socket;
}

/**
 * The client certificate the peer presented on this connection, verified or not; `undefined` without one (or on a
 * connection that is not TLS). The https server asks for it (`requestCert`) without requiring it.
 *
 * @example
 * ```ts
 * features: { mTLS: { getCertificate: peerCertificate } }
 * ```
 */
export function peerCertificate(ctx: WithSocket): X509Certificate | undefined {
  return ctx.socket instanceof TLSSocket ? ctx.socket.getPeerX509Certificate() : undefined;
}

/**
 * Whether the client certificate chains to the trust bundle the https server was given (`ca`): Node's own
 * verification, done during the handshake.
 *
 * @example
 * ```ts
 * features: { mTLS: { certificateAuthorized: peerCertificateAuthorized } }
 * ```
 */
export function peerCertificateAuthorized(ctx: WithSocket): boolean {
  return ctx.socket instanceof TLSSocket && ctx.socket.authorized;
}

/**
 * Whether the client certificate carries the registered SPIFFE ID: only `tls_client_auth_san_uri` is used, and the
 * certificate must be a leaf with exactly one URI SAN equal to it (the X.509-SVID rule).
 *
 * @example
 * ```ts
 * features: { mTLS: { certificateSubjectMatches: peerSpiffeIdMatches } }
 * ```
 */
export function peerSpiffeIdMatches(ctx: WithSocket, property: string, expected: string): boolean {
  if (property !== 'tls_client_auth_san_uri') return false;
  const cert = peerCertificate(ctx);
  if (cert === undefined || cert.ca) return false;
  const uris = uriSans(cert.subjectAltName);
  return uris.length === 1 && uris[0] === expected;
}

/**
 * The URI SANs in node's `subjectAltName` text; ambiguous text counts as none.
 *
 * @example
 * ```ts
 * uriSans('DNS:localhost, URI:spiffe://demo.rampart.dev/orders'); // ['spiffe://demo.rampart.dev/orders']
 * ```
 */
export function uriSans(text: string | undefined): string[] {
  return [...(parseSubjectAltNames(text)?.uris ?? [])];
}
