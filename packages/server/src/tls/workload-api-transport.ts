import { RampartError, type ConfigReader, type Logger } from '@rampart/core';
import { configuredEndpoint, workloadCertificateSource } from '@rampart/spiffe';
import type { ServerConfig } from '../config-schema.js';
import { tlsConfigured } from './server-tls.js';
import type { ServerTransport } from './server-transport.js';
import { createSourceServerTransport } from './source-transport.js';

/**
 * The server's TLS from the SPIFFE Workload API (`transport.source` = `workload-api`): the X.509-SVID, its key and
 * the trust bundles (the own trust domain's and the federated ones) stream from the agent into memory and are used
 * for new connections as they rotate; no file is read. The stream is shared with the app's clients. Setting
 * `transport.tls.*` files as well is refused: one source of identity.
 */
export function createWorkloadApiServerTransport(config: ConfigReader<ServerConfig>, logger: Logger): ServerTransport {
  if (tlsConfigured(config)) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      'transport.source is workload-api but transport.tls.certFile, keyFile or caFile is set as well: choose one. Fix: unset RAMPART_TLS_CERT_FILE, RAMPART_TLS_KEY_FILE and RAMPART_TLS_CA_FILE, or set RAMPART_TRANSPORT_SOURCE=files',
    );
  }
  const address = configuredEndpoint(config.get('transport.workloadApi.address'), 'transport.workloadApi.address');
  const hint = config.get('transport.workloadApi.svidHint');
  const loadTimeoutMs = config.get('transport.tls.loadTimeoutMs');
  let source;
  try {
    source = workloadCertificateSource({ address, ...(hint !== '' ? { hint } : {}), logger: logger.child({ component: 'workload-api' }), timeoutMs: loadTimeoutMs });
  } catch (error) {
    throw new RampartError('ERR_CONFIG_INVALID', `transport.workloadApi.address: ${(error as Error).message}`, { cause: error });
  }
  return createSourceServerTransport(source, `the Workload API at ${address}`, loadTimeoutMs);
}
