import type { Logger } from '@rampart/core';
import { RampartError } from '@rampart/core';
import type { CertificateSource, InMemoryIdentity, TrustDomainBundles } from '@rampart/pki/internal';
import type { IssuerTls } from './tls-files.js';
import type { ServedTls, TlsWatch } from './tls-watch.js';

/** A certificate source the issuer owns (the Workload API's X.509-SVID stream), released when it closes. */
export interface IssuerTlsSource extends CertificateSource {
  close(): void;
}

const pemOf = (bundles: TrustDomainBundles, trustDomain: string): string => bundles.pemFor(trustDomain) ?? '';

/**
 * The issuer's TLS material as the source holds it now: its SVID and key, the bundle of its own trust domain and
 * those of the federated ones.
 *
 * @throws RampartError `ERR_UNAVAILABLE` before the source has loaded.
 */
export function issuerTlsOf(source: CertificateSource): IssuerTls {
  const identity = source.identity();
  const bundles = source.trustBundles();
  if (identity === undefined || bundles === undefined) throw new RampartError('ERR_UNAVAILABLE', 'the Workload API has not sent an X.509-SVID yet');
  const own = bundles.trustDomain;
  return {
    cert: identity.certificate.toString(),
    key: identity.privateKey.toString(),
    ca: pemOf(bundles, own),
    trustDomain: own,
    federatedBundles: Object.fromEntries(bundles.trustDomains.filter((domain) => domain !== own).map((domain) => [domain, pemOf(bundles, domain)])),
  };
}

/**
 * Serves what the source pushes: a new SVID and key, and new trust bundles (federated ones too), each to new
 * connections as it arrives, as the file watch does with replaced files. Nothing to re-read on `reload()`.
 */
export function watchTlsSource(source: CertificateSource, serving: () => ServedTls, serve: (next: ServedTls) => void, logger: Logger): TlsWatch {
  const apply = (next: ServedTls, message: string): void => {
    try {
      serve(next);
      logger.info({ trustDomains: next.bundles.trustDomains }, message);
    } catch (error) {
      logger.error({ problem: (error as Error).message }, 'issuer TLS from the Workload API could not be served; the previous one stays in use');
    }
  };
  const onIdentity = (update: Pick<InMemoryIdentity, 'certificate' | 'privateKey'> | null): void => {
    const now = serving();
    if (update === null || (update.certificate.equals(Buffer.from(now.cert)) && update.privateKey.equals(Buffer.from(now.key)))) return;
    apply({ ...now, cert: update.certificate, key: update.privateKey, bundles: source.trustBundles() ?? now.bundles }, 'issuer X.509-SVID rotated');
  };
  const onBundles = (): void => {
    const now = serving();
    const bundles = source.trustBundles();
    if (bundles === undefined || (bundles.pem === now.bundles.pem && bundles.trustDomains.join() === now.bundles.trustDomains.join())) return;
    apply({ ...now, bundles }, 'issuer trust bundles updated from the Workload API');
  };
  source.addIdentityCertificateListener(onIdentity);
  source.addCaCertificateListener(onBundles);
  const unchanged = { result: 'unchanged' } as const;
  return {
    reload: () => Promise.resolve({ certificate: unchanged, trustBundles: unchanged }),
    stop() {
      source.removeIdentityCertificateListener(onIdentity);
      source.removeCaCertificateListener(onBundles);
    },
  };
}
