import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseSpiffeId, parseSubjectAltNames } from '@rampart/core';
import { parseTrustBundle } from './trust-bundle.js';
import { TrustDomainBundles } from './trust-domain-bundles.js';

/**
 * What each input of {@link TrustBundleSources} is called in error messages: the option names by default, the config
 * keys when a server reads them from config.
 *
 * @example
 * ```ts
 * const names: TrustBundleSettingNames = { caFile: 'transport.tls.caFile', trustDomain: 'transport.tls.trustDomain',
 *   certFile: 'transport.tls.certFile', federatedBundles: 'transport.tls.federatedBundles' };
 * ```
 */
export interface TrustBundleSettingNames {
  readonly caFile: string;
  readonly trustDomain: string;
  readonly certFile: string;
  readonly federatedBundles: string;
}

/**
 * Where a workload's trust bundles come from.
 *
 * @example
 * ```ts
 * const sources: TrustBundleSources = {
 *   caFile: '/run/spire/bundle.pem',
 *   certFile: '/run/spire/svid.pem', // its SPIFFE ID names the trust domain caFile is the bundle of
 *   federatedBundles: { 'partner.example': '/run/spire/partner.example.bundle.json' },
 * };
 * ```
 */
export interface TrustBundleSources {
  /** The bundle of the workload's own trust domain: PEM certificates or a SPIFFE bundle (JWK Set). */
  readonly caFile: string;
  /** The workload's own trust domain; when absent or empty, the trust domain of the SPIFFE ID in `certFile`. */
  readonly trustDomain?: string | undefined;
  /** The workload's certificate (PEM, leaf first); read only to learn its trust domain. */
  readonly certFile?: string | undefined;
  /** Bundles of other (federated) trust domains, by trust domain: PEM or SPIFFE bundle files. */
  readonly federatedBundles?: Readonly<Record<string, string>> | undefined;
  readonly names?: Partial<TrustBundleSettingNames> | undefined;
}

const SPIFFE_TRUST_DOMAIN = /^spiffe:\/\/([^/]*)/;

const DEFAULT_NAMES: TrustBundleSettingNames = {
  caFile: 'caFile',
  trustDomain: 'trustDomain',
  certFile: 'certFile',
  federatedBundles: 'federatedBundles',
};

/**
 * Checks the shape of the sources without reading any file: trust domain names valid, every bundle a non-empty path.
 *
 * @throws TypeError naming the setting and the fix.
 *
 * @example
 * ```ts
 * checkTrustBundleSources({ caFile, federatedBundles: { 'Partner.Example': 'p.pem' } }); // throws: not a trust domain
 * ```
 */
export function checkTrustBundleSources(sources: TrustBundleSources): void {
  const names = namesOf(sources);
  if (typeof sources.caFile !== 'string' || sources.caFile === '') throw new TypeError(`${names.caFile} must be a non-empty file path`);
  if (sources.trustDomain !== undefined && sources.trustDomain !== '') {
    const problem = trustDomainProblem(sources.trustDomain);
    if (problem !== undefined) throw new TypeError(`${names.trustDomain}: ${problem}`);
  }
  const federated: unknown = sources.federatedBundles ?? {};
  if (typeof federated !== 'object' || federated === null || Array.isArray(federated)) {
    throw new TypeError(`${names.federatedBundles} must be an object from trust domain to bundle file, e.g. {"partner.example": "/etc/tls/partner.pem"}`);
  }
  for (const [domain, file] of Object.entries(federated as Record<string, unknown>)) {
    const problem = trustDomainProblem(domain);
    if (problem !== undefined) throw new TypeError(`${names.federatedBundles}: ${problem}`);
    if (typeof file !== 'string' || file === '') {
      throw new TypeError(`${federatedName(names, domain)} must be a non-empty file path (a PEM or SPIFFE bundle file)`);
    }
  }
}

/**
 * The contents of a workload's trust bundle files, as read (for a caller that reads its files itself, such as the
 * issuer's TLS watcher).
 *
 * @example
 * ```ts
 * const texts: TrustBundleTexts = { ca: caPem, certificate: certPem, federated: { 'partner.example': bundleJson } };
 * ```
 */
export interface TrustBundleTexts {
  /** The content of `caFile`. */
  readonly ca: string;
  /** The content of `certFile`; needed only when `trustDomain` is not set. */
  readonly certificate?: string | undefined;
  /** The content of each federated bundle file, by trust domain. */
  readonly federated?: Readonly<Record<string, string>> | undefined;
}

/**
 * Reads and parses every bundle once: the own one from `caFile`, the federated ones, and the own trust domain
 * (configured, or from `certFile`'s SPIFFE ID).
 *
 * @throws Error naming the setting and file that cannot be read or used, and the fix.
 *
 * @example
 * ```ts
 * const bundles = await loadTrustBundles({ caFile: 'ca.pem', certFile: 'orders.pem' });
 * bundles.trustDomain; // 'demo.rampart.dev'
 * ```
 */
export async function loadTrustBundles(sources: TrustBundleSources): Promise<TrustDomainBundles> {
  checkTrustBundleSources(sources);
  const names = namesOf(sources);
  const federatedFiles = Object.entries(sources.federatedBundles ?? {});
  const certFile = sources.trustDomain === undefined || sources.trustDomain === '' ? sources.certFile : undefined;
  const [ca, certificate, ...federated] = await Promise.all([
    readText(sources.caFile, names.caFile),
    certFile === undefined || certFile === '' ? undefined : readText(certFile, names.certFile),
    ...federatedFiles.map(([domain, file]) => readText(file, federatedName(names, domain))),
  ]);
  return trustBundlesFromTexts(
    { ca, certificate, federated: Object.fromEntries(federatedFiles.map(([domain], i) => [domain, federated[i] as string])) },
    sources,
  );
}

/**
 * Parses trust bundles from the contents of their files (see `loadTrustBundles`, which reads them); `sources`
 * gives the own trust domain when set, and the paths and setting names for error messages.
 *
 * @throws Error naming the setting and file that cannot be used, and the fix.
 *
 * @example
 * ```ts
 * const bundles = trustBundlesFromTexts({ ca: caPem, certificate: certPem }, { caFile: 'issuer.tls.caFile' });
 * ```
 */
export function trustBundlesFromTexts(texts: TrustBundleTexts, sources: TrustBundleSources): TrustDomainBundles {
  checkTrustBundleSources(sources);
  const names = namesOf(sources);
  const federatedFiles = Object.entries(sources.federatedBundles ?? {});
  const trustDomain = ownTrustDomain(texts.certificate, sources, names);
  if (federatedFiles.some(([domain]) => domain === trustDomain)) {
    throw new Error(
      `${federatedName(names, trustDomain)}: ${trustDomain} is this workload's own trust domain, whose bundle is ${names.caFile}. Fix: remove it from ${names.federatedBundles}`,
    );
  }
  const own = parseTrustBundle(texts.ca, `${names.caFile} ${sources.caFile}`);
  checkCaTrustDomains(own, trustDomain, `${names.caFile} ${sources.caFile}`, names);
  const federated = new Map(
    federatedFiles.map(([domain, file]) => {
      const source = `${federatedName(names, domain)} ${file}`;
      const text = texts.federated?.[domain];
      if (text === undefined) throw new Error(`${source} was not read`);
      const cas = parseTrustBundle(text, source);
      checkCaTrustDomains(cas, domain, source, names);
      return [domain, cas];
    }),
  );
  return new TrustDomainBundles(trustDomain, own, federated);
}

/**
 * A CA that names its trust domain (a `spiffe://<trust domain>` URI SAN, as SPIRE's CAs carry) may only be in that
 * trust domain's bundle: one concatenated into another's (the old federation advice) would vouch for its workloads.
 */
function checkCaTrustDomains(cas: readonly X509Certificate[], domain: string, source: string, names: TrustBundleSettingNames): void {
  for (const ca of cas) {
    for (const uri of parseSubjectAltNames(ca.subjectAltName)?.uris ?? []) {
      const named = SPIFFE_TRUST_DOMAIN.exec(uri)?.[1];
      if (named !== undefined && named !== domain) {
        throw new Error(
          `${source} holds the CA "${ca.subject.replace(/\n/g, ', ')}" of trust domain ${named} (URI SAN ${uri}) as a CA of ${domain}: ` +
            `it would vouch for ${domain}'s workloads. Fix: give it as the bundle of ${named} in ${names.federatedBundles}`,
        );
      }
    }
  }
}

function ownTrustDomain(certificate: string | undefined, sources: TrustBundleSources, names: TrustBundleSettingNames): string {
  if (sources.trustDomain !== undefined && sources.trustDomain !== '') return sources.trustDomain;
  const fix = `Fix: set ${names.trustDomain} to the trust domain whose bundle ${names.caFile} is`;
  if (certificate === undefined) throw new Error(`${names.trustDomain} is not set. ${fix}`);
  try {
    const uris = parseSubjectAltNames(new X509Certificate(certificate).subjectAltName)?.uris ?? [];
    if (uris.length === 1) return parseSpiffeId(uris[0] as string).trustDomain;
  } catch {
    // not a certificate, or not a SPIFFE ID: reported below
  }
  throw new Error(`${names.trustDomain} is not set and ${names.certFile} ${sources.certFile ?? ''} carries no SPIFFE ID to take it from. ${fix}`);
}

async function readText(file: string, name: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${name} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

/** Why `name` is not a SPIFFE trust domain name, or undefined. */
function trustDomainProblem(name: string): string | undefined {
  try {
    if (parseSpiffeId(`spiffe://${name}/x`).trustDomain === name) return undefined;
  } catch (error) {
    return `${JSON.stringify(name)} is not a trust domain name (${(error as Error).message.replace(/^invalid SPIFFE ID "[^"]*": /, '')})`;
  }
  return `${JSON.stringify(name)} is not a trust domain name`;
}

function federatedName(names: TrustBundleSettingNames, domain: string): string {
  return `${names.federatedBundles}[${JSON.stringify(domain)}]`;
}

function namesOf(sources: TrustBundleSources): TrustBundleSettingNames {
  return { ...DEFAULT_NAMES, ...sources.names };
}
