import type { X509Certificate } from 'node:crypto';
import { chainsTo } from './chain-anchor.js';

/** How much of a certificate name a message quotes. */
const MAX_NAME_LENGTH = 200;

/**
 * The trust bundles a workload holds, one per SPIFFE trust domain: its own (the bundle of the trust domain in its own
 * SPIFFE ID) and those of federated trust domains. A peer's certificate counts only if it chains to the bundle of the
 * trust domain in its own SPIFFE ID (SPIFFE's rule for X.509-SVIDs), so a partner's CA cannot vouch for your
 * workloads; a certificate without a SPIFFE ID must chain to the workload's own bundle. Immutable: a reload makes a
 * new one.
 *
 * @example
 * ```ts
 * const bundles = new TrustDomainBundles('demo.rampart.dev', ownCas, new Map([['partner.example', partnerCas]]));
 * bundles.anchorProblem(leaf, 'demo.rampart.dev', () => []); // undefined when an own CA issued it
 * ```
 */
export class TrustDomainBundles {
  readonly #byDomain: ReadonlyMap<string, readonly X509Certificate[]>;
  #pem: string | undefined;
  readonly #pemByDomain = new Map<string, string>();

  /**
   * @param trustDomain this workload's own trust domain, whose bundle is `own`.
   * @param own the CA certificates of `trustDomain`.
   * @param federated the CA certificates of other trust domains, by trust domain.
   */
  constructor(
    readonly trustDomain: string,
    own: readonly X509Certificate[],
    federated: ReadonlyMap<string, readonly X509Certificate[]> = new Map(),
  ) {
    this.#byDomain = new Map([...federated, [trustDomain, own]]);
  }

  /** The trust domains that have a bundle, this workload's own first. */
  get trustDomains(): string[] {
    return [this.trustDomain, ...[...this.#byDomain.keys()].filter((domain) => domain !== this.trustDomain)];
  }

  /** The bundle of a trust domain (of the own one for `undefined`: a certificate without a SPIFFE ID). */
  bundleFor(trustDomain: string | undefined): readonly X509Certificate[] | undefined {
    return this.#byDomain.get(trustDomain ?? this.trustDomain);
  }

  /**
   * Every CA certificate of every bundle, PEM, each once: what the TLS layer verifies chains against. Which of them
   * may vouch for which peer is {@link TrustDomainBundles.anchorProblem}'s rule.
   */
  get pem(): string {
    if (this.#pem === undefined) {
      const seen = new Set<string>();
      for (const bundle of this.#byDomain.values()) for (const cert of bundle) seen.add(cert.toString());
      this.#pem = [...seen].map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join('');
    }
    return this.#pem;
  }

  /**
   * The CA certificates of one trust domain's bundle, PEM (the own one for `undefined`), made once per bundle set; undefined
   * when there is no bundle for it. What trusts exactly one trust domain (an issuer inside the mesh) is given.
   *
   * @example
   * ```ts
   * new Agent({ connect: { ca: bundles.pemFor(undefined) } }); // the own trust domain's CAs only
   * ```
   */
  pemFor(trustDomain: string | undefined): string | undefined {
    const domain = trustDomain ?? this.trustDomain;
    const bundle = this.#byDomain.get(domain);
    if (bundle === undefined) return undefined;
    let pem = this.#pemByDomain.get(domain);
    if (pem === undefined) this.#pemByDomain.set(domain, (pem = bundle.map((cert) => cert.toString()).join('')));
    return pem;
  }

  /**
   * Why `leaf` does not count for the peer it names, or undefined when its chain leads to a CA in the bundle of
   * `trustDomain` (the trust domain of the leaf's SPIFFE ID; `undefined` for a certificate without one, which must
   * chain to the own bundle). `intermediates` gives the other certificates of the presented chain, asked only when
   * no CA of the bundle signed the leaf directly.
   *
   * @example
   * ```ts
   * bundles.anchorProblem(leaf, 'demo.rampart.dev', () => issuersOf(socket.getPeerCertificate(true)));
   * // 'its chain does not lead to a CA in the trust bundle of demo.rampart.dev (issuer: CN=partner CA)'
   * ```
   */
  anchorProblem(
    leaf: X509Certificate,
    trustDomain: string | undefined,
    intermediates: () => Iterable<X509Certificate>,
    nowMs: number = Date.now(),
  ): string | undefined {
    const bundle = this.bundleFor(trustDomain);
    if (bundle === undefined) {
      return `no trust bundle is configured for trust domain ${trustDomain} (bundles: ${this.trustDomains.join(', ')})`;
    }
    if (chainsTo(leaf, bundle, intermediates, nowMs)) return undefined;
    const whose = trustDomain === undefined ? `this workload's own trust domain ${this.trustDomain} (it has no SPIFFE ID)` : trustDomain;
    return `its chain does not lead to a CA in the trust bundle of ${whose} (issuer: ${shortName(leaf.issuer)})`;
  }
}

/** A distinguished name on one line, cut short: it is the peer's to choose, and goes into logs. */
export function shortName(name: string): string {
  const line = name.replace(/\n/g, ', ');
  return line.length > MAX_NAME_LENGTH ? `${line.slice(0, MAX_NAME_LENGTH)}…` : line;
}
