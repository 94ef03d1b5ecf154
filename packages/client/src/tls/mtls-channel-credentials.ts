import { experimental, type ChannelCredentials } from '@grpc/grpc-js';
import { checkTrustBundleSources, combineCertificateSources, watchTrustBundles } from '@rampart/pki';
import { serverIdentityCheck } from './server-identity-check.js';
import { watchFirstLoad, type CredentialFiles } from './first-load.js';

const DEFAULT_REFRESH_INTERVAL_MS = 60_000;
/** Node's timers turn longer delays into 1 ms. */
const MAX_REFRESH_INTERVAL_MS = 2_147_483_647;

/**
 * Options of {@link createMtlsChannelCredentials}.
 *
 * @example
 * ```ts
 * const options: MtlsChannelOptions = {
 *   certFile: '.rampart/pki/orders.pem',
 *   keyFile: '.rampart/pki/orders-key.pem',
 *   caFile: '.rampart/pki/ca.pem',
 *   expectedServerId: 'spiffe://demo.rampart.dev/inventory',
 * };
 * ```
 */
export interface MtlsChannelOptions {
  /** The workload's own certificate (PEM, leaf first, optionally followed by intermediates). */
  readonly certFile: string;
  /** Its private key (PEM). */
  readonly keyFile: string;
  /**
   * The trust bundle of the workload's own trust domain (PEM CA certificates or a SPIFFE bundle): servers of that
   * trust domain, and servers whose certificate has no SPIFFE ID, must chain to it.
   */
  readonly caFile: string;
  /** The trust domain whose bundle `caFile` is. Default: the trust domain of the SPIFFE ID in `certFile`. */
  readonly trustDomain?: string;
  /**
   * Bundles of other trust domains, by trust domain (PEM or SPIFFE bundle files, watched like the others): a server
   * of `partner.example` must chain to the bundle of `partner.example`.
   */
  readonly federatedBundles?: Readonly<Record<string, string>>;
  /**
   * The SPIFFE ID the server must present. When set, it replaces the hostname check: the server's
   * certificate must carry exactly one URI SAN, equal to this ID. When not set, the usual hostname check
   * against the target address applies.
   */
  readonly expectedServerId?: string;
  /** How often the three files are read again, in milliseconds. Default 60 000. */
  readonly refreshIntervalMs?: number;
}

/**
 * Channel credentials built from files, with their first-load status.
 *
 * @example
 * ```ts
 * const mtls: MtlsChannel = createMtlsChannelCredentials(options);
 * await mtls.ready;
 * const inventory = createClient(InventoryServiceDescriptor, { address, protoRoot, credentials: mtls.credentials });
 * ```
 */
export interface MtlsChannel {
  /** Pass to `createClient` (or any grpc-js client or channel). */
  readonly credentials: ChannelCredentials;
  /**
   * Resolves once the certificate, key and trust bundle were loaded the first time and are usable; rejects
   * with an error naming the file that is missing, unreadable or unusable. It never causes an unhandled
   * rejection on its own.
   */
  readonly ready: Promise<void>;
  /**
   * Stops watching the files (once the clients using the credentials are closed as well). Until then the
   * watcher's timer keeps the process alive. Idempotent.
   */
  close(): void;
}

/**
 * Creates mutual-TLS channel credentials for service-to-service calls from files that are re-read every
 * `refreshIntervalMs` (grpc-js `FileWatcherCertificateProvider`): the workload's certificate and key are
 * presented to servers, and server certificates must chain to the trust bundle. After a rotation, new
 * connections use the new files; open connections keep going.
 *
 * With `expectedServerId`, the server's SPIFFE ID is checked in place of the hostname. A server presenting
 * another identity fails the call with status UNAVAILABLE; the reason is in the error details, e.g.
 * `… server identity mismatch: expected spiffe://demo.rampart.dev/inventory, got spiffe://demo.rampart.dev/orders`.
 *
 * Trust is scoped by SPIFFE trust domain: TLS verifies the server's chain against all bundles (`caFile` and
 * `federatedBundles`), and the chain must also lead to a CA in the bundle of the trust domain in the server's own
 * SPIFFE ID, so a partner's CA cannot pass for a server of yours (UNAVAILABLE, `server certificate … refused: its
 * chain does not lead to a CA in the trust bundle of …`).
 *
 * Replace the certificate and key files by renaming complete files into place: a refresh that reads a new
 * certificate with the old key fails the connections made until the next refresh.
 *
 * @throws TypeError when a file option is not a non-empty string, `expectedServerId` is not a valid workload
 *   SPIFFE ID, or `trustDomain` or a key of `federatedBundles` is not a trust domain name (the message names the
 *   option); RangeError for a bad `refreshIntervalMs`.
 *
 * @example
 * ```ts
 * const mtls = createMtlsChannelCredentials({
 *   certFile: pki.workloads['orders']!.cert,
 *   keyFile: pki.workloads['orders']!.key,
 *   caFile: pki.caCert,
 *   expectedServerId: 'spiffe://demo.rampart.dev/inventory',
 * });
 * await mtls.ready;
 * const inventory = createClient(InventoryServiceDescriptor, {
 *   address: '127.0.0.1:50051',
 *   protoRoot,
 *   credentials: mtls.credentials,
 * });
 * // … on shutdown:
 * closeClient(inventory);
 * mtls.close();
 * ```
 */
export function createMtlsChannelCredentials(options: MtlsChannelOptions): MtlsChannel {
  const files = checkedFiles(options);
  const refreshIntervalMs = checkedRefreshInterval(options.refreshIntervalMs);
  const sources = {
    caFile: files.caFile,
    certFile: files.certFile,
    trustDomain: options.trustDomain,
    federatedBundles: options.federatedBundles,
  };
  checkTrustBundleSources(sources);
  const check = serverIdentityCheck(options.expectedServerId, () => bundles.current);
  const bundles = watchTrustBundles(sources, { refreshIntervalMs });
  const identity = new experimental.FileWatcherCertificateProvider({
    certificateFile: files.certFile,
    privateKeyFile: files.keyFile,
    refreshIntervalMs,
  });
  // One provider for both roles: the trust bundles come from their own watcher, the certificate and key from grpc-js's.
  const provider = combineCertificateSources(identity, bundles);
  const credentials = experimental.createCertificateProviderChannelCredentials(provider, provider, { checkServerIdentity: check });
  const load = watchFirstLoad(identity, bundles.ready, files);
  return {
    credentials,
    ready: load.ready,
    close: () => {
      load.stop();
      bundles.close();
    },
  };
}

function checkedFiles(options: MtlsChannelOptions): CredentialFiles {
  for (const option of ['certFile', 'keyFile', 'caFile'] as const) {
    const value: unknown = options?.[option];
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`createMtlsChannelCredentials: ${option} must be a non-empty file path`);
    }
  }
  return { certFile: options.certFile, keyFile: options.keyFile, caFile: options.caFile };
}

function checkedRefreshInterval(value: number | undefined): number {
  if (value === undefined) return DEFAULT_REFRESH_INTERVAL_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > MAX_REFRESH_INTERVAL_MS) {
    throw new RangeError(
      `createMtlsChannelCredentials: refreshIntervalMs must be a number from 1 to ${MAX_REFRESH_INTERVAL_MS}, ` +
        `got ${String(value)}`,
    );
  }
  return value;
}
