import { parseSpiffeId, parseSubjectAltNames } from '@rampart/core';
import type { ChainMemory, TrustDomainBundles } from '@rampart/pki/internal';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket, type DetailedPeerCertificate } from 'node:tls';
import { chainProblem } from './certificate-chain.js';

/**
 * The client certificate of one request, read and checked once when the request arrived: every later question
 * about it (client authentication, the token's `cnf` binding, token exchange) reads this record, never the
 * socket again, so nothing that happens on the connection afterwards can change the answer.
 */
export interface RequestCertificate {
  /** The certificate the peer presented, verified or not; undefined without one. */
  readonly certificate: X509Certificate | undefined;
  /** Why it cannot authenticate the client; undefined when it is verified. */
  readonly problem: string | undefined;
}

/** The part of Koa's context the mTLS callbacks read. */
interface WithRequest {
  readonly req: IncomingMessage;
}

const recorded = new WeakMap<IncomingMessage, RequestCertificate>();
const NOT_RECORDED: RequestCertificate = { certificate: undefined, problem: 'no certificate was recorded for this request' };

/**
 * Verifies the certificate the client presents on `socket` now, for the request being read: a certificate is there,
 * the TLS handshake verified it (`authorized`, no `authorizationError`; Node sets `authorized` once and never
 * clears it, while a renegotiation sets `authorizationError`), and it chains now to the bundle of the trust domain
 * in its own SPIFFE ID (the issuer's own bundle for a certificate without one): TLS verified it against all
 * bundles, and a federated partner's CA must not vouch for the issuer's own workloads (ADR 0018). On a resumed TLS
 * session, which carries the leaf alone, the intermediates come from `chains` (seen at its full handshake).
 * Call it synchronously when the request arrives, before any `await`.
 *
 * @example
 * ```ts
 * const { certificate, problem } = verifyRequestCertificate(req.socket, issuerTrustBundles(tls));
 * ```
 */
export function verifyRequestCertificate(
  socket: Socket,
  bundles: TrustDomainBundles,
  now: Date = new Date(),
  chains?: ChainMemory,
): RequestCertificate {
  // Runs in the https server's synchronous request listener: a throw (an unparsable certificate, say) would take the
  // issuer down, so any failure counts as no verified certificate.
  try {
    return checkRequestCertificate(socket, bundles, now, chains);
  } catch (error) {
    return { certificate: undefined, problem: `the client certificate could not be checked (${error instanceof Error ? error.message : String(error)})` };
  }
}

function checkRequestCertificate(
  socket: Socket,
  bundles: TrustDomainBundles,
  now: Date,
  chains: ChainMemory | undefined,
): RequestCertificate {
  if (!(socket instanceof TLSSocket)) return { certificate: undefined, problem: 'the connection is not TLS' };
  const [certificate, ...issuers] = peerChain(socket);
  if (certificate === undefined) return { certificate: undefined, problem: 'no client certificate' };
  // Node sets authorizationError to OpenSSL's code (a string), although its types say Error.
  const handshakeError: unknown = socket.authorizationError;
  if (!socket.authorized || (handshakeError !== null && handshakeError !== undefined)) {
    const reason = typeof handshakeError === 'string' ? handshakeError : handshakeError instanceof Error ? handshakeError.message : 'not authorized';
    return { certificate, problem: `the TLS handshake did not verify it (${reason})` };
  }
  const trustDomain = spiffeTrustDomain(certificate);
  const anchors = bundles.bundleFor(trustDomain);
  if (anchors === undefined) return { certificate, problem: `no trust bundle is configured for trust domain ${trustDomain}` };
  const bundle = `the trust bundle of ${trustDomain ?? `the issuer's own trust domain ${bundles.trustDomain} (it has no SPIFFE ID)`}`;
  // A resumed TLS session gives the leaf alone: its intermediates, if any, are the ones seen at its full handshake.
  const presented = issuers.length > 0 ? issuers : (chains?.recall(certificate) ?? []);
  const problem = chainProblem(certificate, presented, anchors, now, bundle);
  if (problem === undefined && issuers.length > 0) chains?.remember(certificate, issuers);
  return { certificate, problem };
}

/** The trust domain of a certificate's SPIFFE ID (a leaf with exactly one URI SAN, a valid ID), or undefined. */
function spiffeTrustDomain(certificate: X509Certificate): string | undefined {
  const uris = uriSans(certificate.subjectAltName);
  if (certificate.ca || uris.length !== 1) return undefined;
  try {
    return parseSpiffeId(uris[0] as string).trustDomain;
  } catch {
    return undefined;
  }
}

/**
 * The peer's certificate followed by the certificates above it (those it sent, completed by node from the trust
 * store), as node:crypto certificates; empty without one. Read with `getPeerCertificate(true)`, which leaves the
 * connection as it is: on a server, node's `getPeerX509Certificate()` takes the intermediates out of the chain
 * OpenSSL keeps for the connection, so later reads (the next request on it) would no longer see them.
 */
function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let node: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (node?.raw !== undefined && chain.length < 8) {
    chain.push(new X509Certificate(node.raw));
    node = node.issuerCertificate === node ? undefined : node.issuerCertificate;
  }
  return chain;
}

/**
 * Keeps `certificate` as the client certificate of `req`, for the mTLS callbacks below.
 *
 * @example
 * ```ts
 * recordRequestCertificate(req, verifyRequestCertificate(req.socket, anchors));
 * ```
 */
export function recordRequestCertificate(req: IncomingMessage, certificate: RequestCertificate): void {
  recorded.set(req, certificate);
}

/**
 * The client certificate recorded for this request (none recorded: no certificate, fail closed).
 *
 * @example
 * ```ts
 * const { problem } = requestCertificate(ctx); // logged with a refused token request
 * ```
 */
export function requestCertificate(ctx: WithRequest): RequestCertificate {
  return recorded.get(ctx.req) ?? NOT_RECORDED;
}

/**
 * The client certificate this request presented, verified or not; `undefined` without one. The https server asks
 * for it (`requestCert`) without requiring it.
 *
 * @example
 * ```ts
 * features: { mTLS: { getCertificate: peerCertificate } }
 * ```
 */
export function peerCertificate(ctx: WithRequest): X509Certificate | undefined {
  return requestCertificate(ctx).certificate;
}

/**
 * Whether this request's client certificate was verified when the request arrived (see
 * {@link verifyRequestCertificate}).
 *
 * @example
 * ```ts
 * features: { mTLS: { certificateAuthorized: peerCertificateAuthorized } }
 * ```
 */
export function peerCertificateAuthorized(ctx: WithRequest): boolean {
  const { certificate, problem } = requestCertificate(ctx);
  return certificate !== undefined && problem === undefined;
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
export function peerSpiffeIdMatches(ctx: WithRequest, property: string, expected: string): boolean {
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
