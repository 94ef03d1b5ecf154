import type { ServerCredentials } from '@grpc/grpc-js';
import type { TrustDomainBundles } from '@rampart/pki';

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
  close(): void;
}
