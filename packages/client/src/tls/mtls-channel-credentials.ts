import type { ChannelCredentials } from '@grpc/grpc-js';
import type { Logger } from '@rampart/core';
import type { ReloadOutcome } from '@rampart/pki';
import { checkTrustBundleSources, watchIdentityFiles, watchTrustBundles } from '@rampart/pki/internal';
import { pinnableChannelCredentials } from './pinned-channel.js';
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
  /** How often the files are read again, in milliseconds (at least 100 in effect). Default 60 000. */
  readonly refreshIntervalMs?: number;
  /**
   * Where to report a certificate, key or bundle that could not be reloaded (once per problem: the previous one stays
   * in use) and a reload that changed them. Default: not reported.
   */
  readonly logger?: Logger;
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
   * Reads the certificate, key and trust bundles now (after a read under way), as a refresh would: what SIGHUP does
   * in an app (`rampartClients` calls it). A changed, usable set is used by new connections; an unusable one is
   * refused and the previous one stays. Never rejects.
   */
  reload(): Promise<{ readonly certificate: ReloadOutcome; readonly trustBundles: ReloadOutcome }>;
  /**
   * Stops watching the files (once the clients using the credentials are closed as well). The watchers' timers do
   * not keep the process alive on their own. Idempotent.
   */
  close(): void;
}

/**
 * Creates mutual-TLS channel credentials for service-to-service calls from files that are re-read every
 * `refreshIntervalMs` and on `reload()`: the workload's certificate and key are presented to servers, and server
 * certificates must chain to the trust bundle. After a rotation, new connections use the new files; open
 * connections keep going.
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
 * The certificate and key are taken only as a matching, usable pair (`watchIdentityFiles` from `@rampart/pki`): a
 * rotation that writes the certificate, then the key, in place (spiffe-helper), or a file read half written, keeps
 * the last good pair in use until both are complete.
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
  const logger = options.logger;
  const bundles = watchTrustBundles(sources, {
    refreshIntervalMs,
    onProblem: (problem) => logger?.error({ problem }, 'client trust bundles could not be reloaded; the previous ones stay in use until fixed'),
    onReload: (loaded) => logger?.info({ trustDomains: loaded.trustDomains }, 'client trust bundles reloaded'),
  });
  const identity = watchIdentityFiles({
    certFile: files.certFile,
    keyFile: files.keyFile,
    refreshIntervalMs,
    onProblem: (problem) => logger?.error({ problem }, 'client certificate or key not usable; the previous ones stay in use until fixed'),
    onReload: (loaded) => logger?.info({ serialNumber: loaded.serialNumber, notAfter: loaded.notAfter }, 'client certificate reloaded'),
  });
  // The trust bundles and the certificate and key come from watchers of their own.
  const credentials = pinnableChannelCredentials(identity, bundles, () => identity.current, check);
  const load = watchFirstLoad(identity.ready, bundles.ready);
  return {
    credentials,
    ready: load.ready,
    reload: async () => {
      const [certificate, trustBundles] = await Promise.all([identity.reload(), bundles.reload()]);
      return { certificate, trustBundles };
    },
    close: () => {
      load.stop();
      identity.close();
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
