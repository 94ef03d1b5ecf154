import { X509Certificate } from 'node:crypto';

/** Longest path from a leaf to an anchor that is followed (leaf, intermediates, anchor). */
const MAX_PATH_LENGTH = 8;

/**
 * Whether `leaf` chains to one of `anchors`: signed by an anchor, or by a CA certificate among `intermediates` that
 * in turn chains to one (each link checked with node:crypto: `checkIssued` for names, key identifiers and key usage,
 * `verify` for the signature; every issuer must be a CA and within its validity period). An intermediate that is
 * itself in `anchors` counts as anchored. This is an additional rule on top of the TLS layer's own verification
 * (which may use a wider bundle), not a replacement for it: it does not check the leaf's own validity, extensions
 * or revocation. `intermediates` is asked only when no anchor signed the leaf directly, the usual case.
 *
 * @example
 * ```ts
 * chainsTo(leaf, partnerBundle, () => []); // false for a leaf issued by another trust domain's CA
 * ```
 */
export function chainsTo(
  leaf: X509Certificate,
  anchors: readonly X509Certificate[],
  intermediates: () => Iterable<X509Certificate>,
  nowMs: number = Date.now(),
): boolean {
  let current = leaf;
  let pool: X509Certificate[] | undefined;
  for (let length = 1; length < MAX_PATH_LENGTH; length++) {
    for (const anchor of anchors) {
      if ((current !== leaf && current.raw.equals(anchor.raw)) || issuedBy(current, anchor, nowMs)) return true;
    }
    pool ??= [...intermediates()];
    const next = pool.findIndex((candidate) => issuedBy(current, candidate, nowMs));
    if (next === -1) return false;
    current = pool[next] as X509Certificate;
    pool.splice(next, 1);
  }
  return false;
}

function issuedBy(child: X509Certificate, issuer: X509Certificate, nowMs: number): boolean {
  return (
    issuer.ca &&
    Date.parse(issuer.validFrom) <= nowMs &&
    nowMs <= Date.parse(issuer.validTo) &&
    child.checkIssued(issuer) &&
    child.verify(issuer.publicKey)
  );
}

/** A certificate as Node's TLS gives it with `getPeerCertificate(true)`: DER and, after the leaf, its issuer's. */
export interface CertificateWithIssuer {
  readonly raw: Buffer;
  readonly issuerCertificate?: CertificateWithIssuer;
}

/**
 * The certificates after the leaf in a chain Node's TLS reports (`getPeerCertificate(true)`, or the certificate
 * `checkServerIdentity` gets), parsed: the intermediates the peer sent and the root Node matched them to. A root
 * refers to itself; the walk stops there, at a repeated certificate, or after a few links.
 *
 * @example
 * ```ts
 * chainsTo(leaf, anchors, () => issuersOf(socket.getPeerCertificate(true)));
 * ```
 */
export function issuersOf(cert: CertificateWithIssuer | undefined): X509Certificate[] {
  const issuers: X509Certificate[] = [];
  const seen = new Set<CertificateWithIssuer>();
  let current = cert;
  while (current !== undefined && !seen.has(current) && issuers.length < MAX_PATH_LENGTH) {
    seen.add(current);
    const next: CertificateWithIssuer | undefined = current.issuerCertificate;
    if (next === undefined || next === current || !Buffer.isBuffer(next.raw)) break;
    try {
      issuers.push(new X509Certificate(next.raw));
    } catch {
      break;
    }
    current = next;
  }
  return issuers;
}
