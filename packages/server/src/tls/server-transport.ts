import type { ServerCredentials } from '@grpc/grpc-js';
import type { ReloadOutcome } from '@rampart/pki';
import type { SourceHealth, TrustDomainBundles } from '@rampart/pki/internal';

/**
 * What a transport's `reload()` did, by what it read (`certificate`, `trustBundles`), with details for the log line
 * (the serial number in use, the trust domains).
 *
 * @example
 * ```ts
 * const reloaded: TransportReload = { certificate: { result: 'changed', serialNumber: '0A1B' }, trustBundles: { result: 'unchanged' } };
 * ```
 */
export type TransportReload = Readonly<Record<string, ReloadOutcome & Readonly<Record<string, unknown>>>>;

/**
 * Server credentials and a promise that settles when they are usable.
 *
 * @example
 * ```ts
 * const transport: ServerTransport = { credentials: ServerCredentials.createInsecure(), secure: false, ready: Promise.resolve(), close() {} };
 * ```
 */
export interface ServerTransport {
  readonly credentials: ServerCredentials;
  readonly secure: boolean;
  /** Resolves once certificates are loaded (immediately for plaintext). */
  readonly ready: Promise<void>;
  /**
   * The trust bundles by SPIFFE trust domain in use. A client certificate counts only if its chain leads to a CA in
   * the bundle of the trust domain of its own SPIFFE ID (the own bundle for a certificate without one); TLS verifies
   * against the union of all bundles. Absent: no such check (plaintext, or a transport of your own that does not
   * provide it, which is logged as a warning at start-up).
   */
  readonly trustBundles?: () => TrustDomainBundles | undefined;
  /**
   * Re-reads the certificate, key and trust bundles now (SIGHUP, `app.reload()`): a changed, usable set is used by new
   * connections; an unusable one is refused and the previous one stays. Absent: nothing to re-read.
   */
  reload?(): Promise<TransportReload>;
  /**
   * Whether the transport can keep its certificate valid (a certificate source that lost its upstream and whose
   * certificate is about to expire is not): the app reports NOT_SERVING while it is unhealthy. Absent: always healthy.
   */
  readonly health?: SourceHealth;
  close(): void;
}
