import { certificateKeyProblem, trustBundlesFromTexts, type TrustDomainBundles } from '@rampart/pki/internal';

/** The issuer's TLS material, PEM text. */
export interface IssuerTls {
  /** The server certificate, optionally followed by its chain. */
  readonly cert: string;
  readonly key: string;
  /** The trust bundle of the issuer's own trust domain: PEM certificates or a SPIFFE bundle. */
  readonly ca: string;
  /** The trust domain whose bundle `ca` is. Default: the trust domain of the SPIFFE ID in `cert`. */
  readonly trustDomain?: string | undefined;
  /** The bundles of other (federated) trust domains, by trust domain: PEM certificates or SPIFFE bundles. */
  readonly federatedBundles?: Readonly<Record<string, string>> | undefined;
}

/** Where the issuer's TLS material lives, and how often to look for a replaced file. */
export interface IssuerTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** The trust domain whose bundle `caFile` is (default: the one in the certificate's SPIFFE ID). */
  readonly trustDomain?: string | undefined;
  /** The files of the federated trust domains' bundles, by trust domain. */
  readonly federatedBundles?: Readonly<Record<string, string>> | undefined;
  /** At least 100. */
  readonly refreshIntervalMs: number;
}

/** What the trust bundle settings are called in errors. */
export const BUNDLE_SETTING_NAMES = {
  caFile: 'issuer.tls.caFile',
  trustDomain: 'issuer.tls.trustDomain',
  certFile: 'issuer.tls.certFile',
  federatedBundles: 'issuer.tls.federatedBundles',
};

/**
 * The issuer's trust bundles by SPIFFE trust domain: `ca` for its own trust domain, `federatedBundles` for others. A
 * client certificate must chain to the bundle of the trust domain in its own SPIFFE ID (see ADR 0018).
 *
 * @throws Error naming the setting (`issuer.tls.caFile`, `issuer.tls.federatedBundles["…"]`, …) that is not usable.
 *
 * @example
 * ```ts
 * issuerTrustBundles({ cert, key, ca, federatedBundles: { 'partner.example': partnerBundleJson } }).trustDomains;
 * // ['demo.rampart.dev', 'partner.example']
 * ```
 */
export function issuerTrustBundles(tls: IssuerTls, files?: Pick<IssuerTlsFiles, 'caFile' | 'certFile'>): TrustDomainBundles {
  const federated = tls.federatedBundles ?? {};
  return trustBundlesFromTexts(
    { ca: tls.ca, certificate: tls.cert, federated },
    {
      caFile: files?.caFile ?? '(given)',
      certFile: files?.certFile ?? '(given)',
      trustDomain: tls.trustDomain,
      federatedBundles: Object.fromEntries(Object.keys(federated).map((domain) => [domain, '(given)'])),
      names: BUNDLE_SETTING_NAMES,
    },
  );
}

/**
 * What is wrong with `tls`, or undefined when the certificate parses, is within its validity period, matches the key,
 * TLS accepts them (see `certificateKeyProblem`), and the trust bundles are usable (see {@link issuerTrustBundles}; `files` names them in the answer).
 *
 * @example
 * ```ts
 * tlsProblem({ cert, key: otherKey, ca }); // 'the private key does not match the certificate'
 * ```
 */
export function tlsProblem(tls: IssuerTls, now: Date = new Date(), files?: Pick<IssuerTlsFiles, 'caFile' | 'certFile'>): string | undefined {
  const pair = certificateKeyProblem(tls.cert, tls.key, now.getTime());
  if (pair !== undefined) return pair;
  try {
    issuerTrustBundles(tls, files);
  } catch (error) {
    return `the trust bundles are not usable (${(error as Error).message})`;
  }
  return undefined;
}
