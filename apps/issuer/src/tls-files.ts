import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from '@rampart/core';
import { certificateKeyProblem, trustBundlesFromTexts, type TrustDomainBundles } from '@rampart/pki';

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
const BUNDLE_SETTING_NAMES = {
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
 * and the trust bundles are usable (see {@link issuerTrustBundles}; `files` names them in the answer).
 *
 * @example
 * ```ts
 * tlsProblem({ cert, key: otherKey, ca }); // 'the private key does not match the certificate'
 * ```
 */
export function tlsProblem(tls: IssuerTls, now: Date = new Date(), files?: Pick<IssuerTlsFiles, 'caFile' | 'certFile'>): string | undefined {
  const pair = certificateKeyProblem(tls.cert, tls.key, now.getTime());
  if (pair !== undefined) return pair;
  const validFrom = new Date(new X509Certificate(tls.cert).validFrom);
  if (validFrom > now) return `the certificate is not valid before ${validFrom.toISOString()}`;
  try {
    issuerTrustBundles(tls, files);
  } catch (error) {
    return `the trust bundles are not usable (${(error as Error).message})`;
  }
  return undefined;
}

/** Reads the files: certificate, key, own trust bundle and the federated trust domains' bundles. */
export async function readTlsFiles(
  files: Pick<IssuerTlsFiles, 'certFile' | 'keyFile' | 'caFile' | 'trustDomain' | 'federatedBundles'>,
): Promise<IssuerTls> {
  const federatedFiles = Object.entries(files.federatedBundles ?? {});
  const [cert, key, ca, ...federated] = await Promise.all(
    [files.certFile, files.keyFile, files.caFile, ...federatedFiles.map(([, file]) => file)].map((f) => readFile(f, 'utf8')),
  );
  return {
    cert: cert as string,
    key: key as string,
    ca: ca as string,
    trustDomain: files.trustDomain,
    federatedBundles: Object.fromEntries(federatedFiles.map(([domain], i) => [domain, federated[i] as string])),
  };
}

/**
 * Re-reads the issuer's TLS files every `refreshIntervalMs` and hands a changed, usable set to `apply` (which swaps
 * the server's secure context: new connections get it, open ones keep theirs). A set that cannot be read or is not
 * usable (a certificate written before its key, say) is logged once and skipped; the previous one stays in use until a
 * usable set appears.
 *
 * @example
 * ```ts
 * const watcher = watchTlsFiles(files, initialTls, (tls) => server.setSecureContext(tls), logger);
 * watcher.stop();
 * ```
 */
export function watchTlsFiles(
  files: IssuerTlsFiles,
  initial: IssuerTls,
  apply: (tls: IssuerTls) => void,
  logger: Logger,
): { stop(): void } {
  let current = initial;
  let lastProblem: string | undefined;
  let busy = false;
  const same = (a: IssuerTls, b: IssuerTls): boolean =>
    a.cert === b.cert && a.key === b.key && a.ca === b.ca && JSON.stringify(a.federatedBundles ?? {}) === JSON.stringify(b.federatedBundles ?? {});
  const report = (problem: string): void => {
    if (problem === lastProblem) return;
    lastProblem = problem;
    logger.error({ ...pathsOf(files), problem }, 'issuer TLS files unusable; keeping the previous certificate');
  };
  const check = async (): Promise<void> => {
    let next: IssuerTls;
    try {
      next = await readTlsFiles(files);
    } catch (error) {
      report(`cannot read them (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return;
    }
    if (same(next, current)) return;
    const problem = tlsProblem(next, new Date(), files);
    if (problem !== undefined) {
      report(problem);
      return;
    }
    apply(next);
    current = next;
    lastProblem = undefined;
    logger.info({ ...pathsOf(files), notAfter: new Date(new X509Certificate(next.cert).validTo).toISOString() }, 'issuer TLS certificate reloaded');
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void check().finally(() => {
      busy = false;
    });
  }, Math.max(files.refreshIntervalMs, 100));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function pathsOf(files: IssuerTlsFiles): Record<string, string> {
  return { certFile: files.certFile, keyFile: files.keyFile, caFile: files.caFile };
}
