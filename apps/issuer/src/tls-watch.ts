import type { Logger } from '@rampart/core';
import type { ReloadOutcome } from '@rampart/pki';
import { watchIdentityFiles, watchTrustBundles, type TrustDomainBundles } from '@rampart/pki/internal';
import { BUNDLE_SETTING_NAMES, type IssuerTlsFiles } from './tls-files.js';

/** What the issuer's HTTPS server serves: its certificate (chain) and key, and the trust bundles by trust domain. */
export interface ServedTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly bundles: TrustDomainBundles;
}

/**
 * What a reload of the issuer's TLS files did: the certificate and key (`serialNumber` in use), and the trust bundles
 * (`trustDomains` in use).
 *
 * @example
 * ```ts
 * const reloaded: IssuerTlsReload = { certificate: { result: 'unchanged', serialNumber: '0A1B' }, trustBundles: { result: 'changed', trustDomains: ['demo.rampart.dev'] } };
 * ```
 */
export interface IssuerTlsReload {
  readonly certificate: ReloadOutcome & { readonly serialNumber?: string };
  readonly trustBundles: ReloadOutcome & { readonly trustDomains?: readonly string[] };
}

/** A running watch of the issuer's TLS files. */
export interface TlsWatch {
  /** Reads every file now (SIGHUP); serves what changed and is usable. Never rejects. */
  reload(): Promise<IssuerTlsReload>;
  stop(): void;
}

/**
 * Watches the issuer's TLS files every `refreshIntervalMs`, the certificate and key apart from the trust bundles:
 * the pair through `@rampart/pki`'s identity watcher (handed on only when the key matches the certificate, which is
 * valid and whole), the bundles through its trust bundle watcher. A change is handed to `serve` together with the
 * other half as in use (`serving()`), so a certificate written before its key, a half-written chain, or a bundle
 * being rewritten keeps the previous one in use (logged once) without holding up the other half.
 *
 * @example
 * ```ts
 * const watch = watchTlsFiles(files, () => served, (next) => server.setSecureContext({ cert: next.cert, key: next.key, ca: next.bundles.pem }), logger);
 * process.on('SIGHUP', () => void watch.reload());
 * watch.stop();
 * ```
 */
export function watchTlsFiles(files: IssuerTlsFiles, serving: () => ServedTls, serve: (next: ServedTls) => void, logger: Logger): TlsWatch {
  const paths = { certFile: files.certFile, keyFile: files.keyFile, caFile: files.caFile };
  const refreshIntervalMs = Math.max(files.refreshIntervalMs, 100);
  const apply = (next: ServedTls, message: string, fields: Record<string, unknown>): void => {
    try {
      serve(next);
      logger.info({ ...paths, ...fields }, message);
    } catch (error) {
      logger.error({ ...paths, problem: (error as Error).message }, 'issuer TLS files could not be served; the previous ones stay in use');
    }
  };
  const identity = watchIdentityFiles({
    certFile: files.certFile,
    keyFile: files.keyFile,
    refreshIntervalMs,
    names: { certFile: 'issuer.tls.certFile', keyFile: 'issuer.tls.keyFile' },
    onProblem: (problem) => logger.error({ ...paths, problem }, IDENTITY_REFUSED),
  });
  const bundles = watchTrustBundles(
    { caFile: files.caFile, certFile: files.certFile, trustDomain: files.trustDomain, federatedBundles: files.federatedBundles, names: BUNDLE_SETTING_NAMES },
    {
      refreshIntervalMs,
      onProblem: (problem) => logger.error({ ...paths, problem }, TRUST_BUNDLES_REFUSED),
      onReload: (loaded) => apply({ ...serving(), bundles: loaded }, 'issuer TLS trust bundles reloaded', { trustDomains: loaded.trustDomains }),
    },
  );
  // Every pair the watcher takes (its first read too: the files may have changed since the issuer read them).
  identity.addIdentityCertificateListener((update) => {
    const now = serving();
    if (update === null || (sameBytes(update.certificate, now.cert) && sameBytes(update.privateKey, now.key))) return;
    const loaded = identity.current;
    apply({ ...now, cert: update.certificate, key: update.privateKey }, 'issuer TLS certificate reloaded', {
      serialNumber: loaded?.serialNumber,
      notAfter: loaded?.notAfter,
    });
  });
  void bundles.ready.then(
    (loaded) => {
      const now = serving();
      if (loaded.pem !== now.bundles.pem || loaded.trustDomains.join() !== now.bundles.trustDomains.join()) {
        apply({ ...now, bundles: loaded }, 'issuer TLS trust bundles reloaded', { trustDomains: loaded.trustDomains });
      }
    },
    // The files changed between the issuer's start-up read and the watcher's first: what was read at start-up stays.
    (error: unknown) => logger.error({ ...paths, problem: messageOf(error) }, TRUST_BUNDLES_REFUSED),
  );
  identity.ready.catch((error: unknown) => logger.error({ ...paths, problem: messageOf(error) }, IDENTITY_REFUSED));
  return {
    async reload() {
      const [certificate, trustBundles] = await Promise.all([identity.reload(), bundles.reload()]);
      const serialNumber = identity.current?.serialNumber;
      return {
        certificate: { ...certificate, ...(serialNumber !== undefined ? { serialNumber } : {}) },
        trustBundles: { ...trustBundles, trustDomains: serving().bundles.trustDomains },
      };
    },
    stop() {
      identity.close();
      bundles.close();
    },
  };
}

const IDENTITY_REFUSED = 'issuer TLS certificate or key not usable; the previous ones stay in use until fixed';
const TRUST_BUNDLES_REFUSED = 'issuer TLS trust bundles could not be reloaded; the previous ones stay in use until fixed';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sameBytes(a: Buffer, b: string | Buffer): boolean {
  return a.equals(typeof b === 'string' ? Buffer.from(b) : b);
}
