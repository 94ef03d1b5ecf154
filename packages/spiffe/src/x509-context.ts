import type { X509Certificate } from 'node:crypto';
import { parseDerCertificates } from './der-certificates.js';
import { trustDomainOfKey } from './trust-domain-name.js';
import { parseX509Svid, type X509Svid, type X509SvidMessage } from './x509-svid.js';

/**
 * X.509 trust bundles by trust domain name (`example.org`): each the CA certificates of that trust domain.
 *
 * @example
 * ```ts
 * const partner = bundles.get('partner.example'); // readonly X509Certificate[] | undefined
 * ```
 */
export type X509Bundles = ReadonlyMap<string, readonly X509Certificate[]>;

/**
 * What one `FetchX509SVID` message gives: the SVIDs (the first is the default) and the bundles, the SVIDs' own trust
 * domains' and the federated ones.
 *
 * @example
 * ```ts
 * const context: X509Context = await client.fetchX509Context();
 * context.svids[0].spiffeId;
 * ```
 */
export interface X509Context {
  readonly svids: readonly X509Svid[];
  readonly bundles: X509Bundles;
}

/** The fields of an `X509SVIDResponse` (proto-loader's camelCase). */
export interface X509SvidResponseMessage {
  readonly svids: readonly X509SvidMessage[];
  readonly federatedBundles: Readonly<Record<string, Uint8Array>>;
}

/** The fields of an `X509BundlesResponse`. */
export interface X509BundlesResponseMessage {
  readonly bundles: Readonly<Record<string, Uint8Array>>;
}

/**
 * Parses an `X509SVIDResponse`: at least one SVID, each checked (see `parseX509Svid`); of SVIDs with the same
 * non-empty hint the first counts (the specification's rule). Each SVID's `bundle` is its trust domain's; a federated
 * bundle never replaces the bundle of an SVID's own trust domain.
 *
 * @throws Error saying what is wrong; nothing of a bad response is used.
 *
 * @example
 * ```ts
 * const context = parseX509Context(message);
 * ```
 */
export function parseX509Context(message: X509SvidResponseMessage, nowMs: number = Date.now()): X509Context {
  if (message.svids.length === 0) throw new Error('the X.509-SVID response holds no SVID');
  const hints = new Set<string>();
  const svids: X509Svid[] = [];
  const own = new Map<string, readonly X509Certificate[]>();
  for (const entry of message.svids) {
    if (entry.hint !== '' && hints.has(entry.hint)) continue;
    hints.add(entry.hint);
    const svid = parseX509Svid(entry, nowMs);
    svids.push(svid);
    if (!own.has(svid.trustDomain)) own.set(svid.trustDomain, bundleOf(entry.bundle, `the bundle of ${svid.spiffeId}`));
  }
  const federated = parseBundleMap(message.federatedBundles, 'federated_bundles');
  for (const domain of own.keys()) federated.delete(domain);
  return Object.freeze({ svids: Object.freeze(svids), bundles: new Map([...own, ...federated]) });
}

/**
 * Parses an `X509BundlesResponse`: CA certificates by trust domain, at least one trust domain.
 *
 * @throws Error saying what is wrong.
 *
 * @example
 * ```ts
 * const bundles = parseX509Bundles(message);
 * ```
 */
export function parseX509Bundles(message: X509BundlesResponseMessage): X509Bundles {
  const bundles = parseBundleMap(message.bundles, 'bundles');
  if (bundles.size === 0) throw new Error('the X.509 bundles response holds no bundle');
  return bundles;
}

function parseBundleMap(map: Readonly<Record<string, Uint8Array>>, what: string): Map<string, readonly X509Certificate[]> {
  const bundles = new Map<string, readonly X509Certificate[]>();
  for (const [key, der] of Object.entries(map)) {
    const domain = trustDomainOfKey(key);
    if (bundles.has(domain)) throw new Error(`${what} names trust domain ${domain} twice`);
    bundles.set(domain, bundleOf(der, `${what}[${JSON.stringify(key.slice(0, 120))}]`));
  }
  return bundles;
}

function bundleOf(der: Uint8Array, what: string): readonly X509Certificate[] {
  return Object.freeze(parseDerCertificates(der, what));
}
