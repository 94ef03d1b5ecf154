import type { X509Certificate } from 'node:crypto';

/** Longest chain followed from a leaf to a trust anchor (leaf and intermediates). */
const MAX_CHAIN_LENGTH = 8;

/**
 * Why `leaf` does not chain to one of `anchors` at `now`, or undefined when it does: each link is a certificate
 * whose issuer name matches (`checkIssued`) and whose signature verifies with the issuer's key (`verify`), every
 * certificate on the way within its validity period, intermediates (taken from `presented`, the chain the peer sent)
 * marked as CAs; `bundle` names `anchors` in the answer. node:crypto does the signature checks; this only follows
 * the links. It does not replace the TLS handshake's verification: it confirms that the certificate read for a
 * request is one that chains to the bundle.
 *
 * @example
 * ```ts
 * chainProblem(peerLeaf, peerIntermediates, parseTrustBundle(caPem, 'ca.pem')); // undefined, or 'it does not chain to the trust bundle'
 * ```
 */
export function chainProblem(
  leaf: X509Certificate,
  presented: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  now: Date = new Date(),
  bundle = 'the trust bundle',
): string | undefined {
  let current = leaf;
  for (let length = 0; length < MAX_CHAIN_LENGTH; length += 1) {
    if (!withinValidity(current, now)) {
      return `${length === 0 ? 'it' : `its issuer "${current.subject}"`} is outside its validity period`;
    }
    if (anchors.some((anchor) => anchor.ca && withinValidity(anchor, now) && issued(anchor, current))) return undefined;
    const next = presented.find((candidate) => candidate.ca && issued(candidate, current));
    if (next === undefined || next === current) return `it does not chain to ${bundle}`;
    current = next;
  }
  return 'its chain is too long';
}

function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

function withinValidity(certificate: X509Certificate, now: Date): boolean {
  return new Date(certificate.validFrom) <= now && now <= new Date(certificate.validTo);
}
