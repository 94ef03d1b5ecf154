import { ServerCredentials } from '@grpc/grpc-js';
import { RampartError, type ConfigReader, type Logger } from '@rampart/core';
import type { ServerConfig } from './config-schema.js';
import { createTlsServerTransport, tlsConfigured } from './tls/server-tls.js';
import type { ServerTransport } from './tls/server-transport.js';
import { createWorkloadApiServerTransport } from './tls/workload-api-transport.js';

/**
 * Chooses the server's transport from config: TLS from the `transport.tls.*` files (the default) or from the SPIFFE
 * Workload API (`transport.source` = `workload-api`), the only choices in production, or plaintext when `transport.insecure` is set explicitly, which is warned about at
 * start-up and refused when NODE_ENV=production. `secure` replaces the file-based TLS transport (e.g. for a
 * certificate source of your own).
 */
export function createServerTransport(
  config: ConfigReader<ServerConfig>,
  logger: Logger,
  env: Readonly<Record<string, string | undefined>>,
  secure?: () => ServerTransport,
): ServerTransport {
  if (config.get('transport.insecure')) {
    if (tlsConfigured(config)) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        'transport.insecure is set together with transport.tls.* files: choose one. Fix: unset RAMPART_TRANSPORT_INSECURE to serve TLS',
      );
    }
    if (config.get('transport.source') === 'workload-api') {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        'transport.insecure is set together with transport.source=workload-api: choose one. Fix: unset RAMPART_TRANSPORT_INSECURE to serve TLS with the SVID, or set RAMPART_TRANSPORT_SOURCE=files',
      );
    }
    if (env.NODE_ENV === 'production') {
      throw new RampartError(
        'ERR_INSECURE_TRANSPORT',
        'transport.insecure is set but NODE_ENV=production: plaintext is refused in production. Fix: unset RAMPART_TRANSPORT_INSECURE and configure TLS',
      );
    }
    logger.warn(
      { setting: 'transport.insecure' },
      'serving PLAINTEXT gRPC: no TLS, no client certificates; never expose this port. Unset transport.insecure to require TLS',
    );
    return { credentials: ServerCredentials.createInsecure(), secure: false, ready: Promise.resolve(), close() {} };
  }
  if (secure) return secure();
  if (config.get('transport.source') === 'workload-api') return createWorkloadApiServerTransport(config, logger);
  if (!tlsConfigured(config)) {
    throw new RampartError(
      'ERR_INSECURE_TRANSPORT',
      'no TLS configured: set transport.tls.certFile, transport.tls.keyFile and transport.tls.caFile (RAMPART_TLS_CERT_FILE, RAMPART_TLS_KEY_FILE, RAMPART_TLS_CA_FILE), or, for a local experiment only, transport.insecure=true',
    );
  }
  return createTlsServerTransport(config, logger);
}
