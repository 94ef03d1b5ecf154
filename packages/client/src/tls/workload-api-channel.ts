import type { Logger } from '@rampart/core';
import { workloadCertificateSource, type WorkloadCertificateSource } from '@rampart/spiffe';
import type { MtlsChannel } from './mtls-channel-credentials.js';
import { createSourceChannelCredentials } from './source-channel-credentials.js';

/**
 * Options of {@link createWorkloadApiChannelCredentials}.
 *
 * @example
 * ```ts
 * const options: WorkloadApiChannelOptions = { expectedServerId: 'spiffe://demo.rampart.dev/inventory' };
 * ```
 */
export interface WorkloadApiChannelOptions {
  /** The Workload API endpoint (`unix:///…`, `unix:@name`, `tcp://IP:port`). Default: `SPIFFE_ENDPOINT_SOCKET`. */
  readonly address?: string;
  /** Which X.509-SVID to present, by its hint. Default: the first (the default SVID). */
  readonly svidHint?: string;
  /** The SPIFFE ID the server must present (replaces the hostname check). */
  readonly expectedServerId?: string;
  /** How long `ready` waits for the first SVID, in ms. Default 30 000. */
  readonly loadTimeoutMs?: number;
  /** Where the stream's breaks and refused responses are reported. */
  readonly logger?: Logger;
  /** Where `SPIFFE_ENDPOINT_SOCKET` is read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Mutual-TLS channel credentials whose certificate, key and trust bundles come from the SPIFFE Workload API (a SPIRE
 * agent), held in memory and rotated there: the counterpart of `createMtlsChannelCredentials` without files. Servers
 * are checked the same way: the chain must lead to a CA in the bundle of the trust domain of the server's own SPIFFE
 * ID (federated bundles come from the agent), and `expectedServerId` pins the server. Channels of one process share
 * one stream per address and hint; `close()` releases this one's share.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` when no address is given and `SPIFFE_ENDPOINT_SOCKET` is not set, or the
 *   address is malformed; TypeError when `expectedServerId` is not a valid SPIFFE ID.
 *
 * @example
 * ```ts
 * const mtls = createWorkloadApiChannelCredentials({ expectedServerId: 'spiffe://demo.rampart.dev/inventory' });
 * await mtls.ready;
 * const inventory = createClient(InventoryServiceDescriptor, { address, protoRoot, credentials: mtls.credentials });
 * ```
 */
export function createWorkloadApiChannelCredentials(options: WorkloadApiChannelOptions = {}): MtlsChannel & { readonly source: WorkloadCertificateSource } {
  const source = workloadCertificateSource({
    ...(options.address !== undefined ? { address: options.address } : {}),
    ...(options.svidHint !== undefined && options.svidHint !== '' ? { hint: options.svidHint } : {}),
    ...(options.loadTimeoutMs !== undefined ? { timeoutMs: options.loadTimeoutMs } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  let channel: MtlsChannel;
  try {
    channel = createSourceChannelCredentials(source, options.expectedServerId !== undefined ? { expectedServerId: options.expectedServerId } : {});
  } catch (error) {
    source.close();
    throw error;
  }
  return {
    ...channel,
    source,
    close: () => {
      channel.close();
      source.close();
    },
  };
}
