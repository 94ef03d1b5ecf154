import { accessSync, constants } from 'node:fs';
import { experimental, type ServerCredentials } from '@grpc/grpc-js';
import { RampartError, type ConfigReader, type Logger } from '@rampart/core';
import {
  checkTrustBundleSources,
  combineCertificateSources,
  watchIdentityFiles,
  watchTrustBundles,
} from '@rampart/pki/internal';
import type { ServerConfig } from '../config-schema.js';
import type { ServerTransport, TransportReload } from './server-transport.js';

const FILE_KEYS = [
  ['transport.tls.certFile', 'RAMPART_TLS_CERT_FILE'],
  ['transport.tls.keyFile', 'RAMPART_TLS_KEY_FILE'],
  ['transport.tls.caFile', 'RAMPART_TLS_CA_FILE'],
] as const;

/** What the trust bundle settings are called in errors. */
const BUNDLE_SETTING_NAMES = {
  caFile: 'transport.tls.caFile',
  trustDomain: 'transport.tls.trustDomain',
  certFile: 'transport.tls.certFile',
  federatedBundles: 'transport.tls.federatedBundles',
};

/** Whether TLS files are configured at all. */
export function tlsConfigured(config: ConfigReader<ServerConfig>): boolean {
  return FILE_KEYS.some(([key]) => config.get(key) !== '');
}

/**
 * TLS server credentials from watched files. The port asks every client for a certificate but does not require
 * one: a certificate that is sent must chain to the trust bundles to count, and each method decides whether it
 * needs one (`@RequireMtls`). `caFile` is the bundle of this workload's own trust domain (`transport.tls.trustDomain`,
 * by default the one in its certificate's SPIFFE ID); `transport.tls.federatedBundles` adds the bundles of other
 * trust domains. TLS verifies against all of them; `trustBundles` gives the per-domain bundles for the rule that a
 * client certificate must chain to the bundle of its own trust domain (checked once per connection). Replaced files
 * are picked up for new connections within `refreshIntervalMs`, or at once by `reload()` (SIGHUP), without a restart.
 * A certificate and key are taken only as a matching, usable pair: a rotation that writes them in place one after
 * the other, or a half-written file, leaves the last good pair in use (logged once) until the pair is complete.
 * `ready` resolves once the certificate, key and trust bundles have been loaded, because grpc-js binds the port
 * before that and the first connections would otherwise fail.
 */
export function createTlsServerTransport(config: ConfigReader<ServerConfig>, logger: Logger): ServerTransport {
  const [certificateFile, privateKeyFile, caCertificateFile] = FILE_KEYS.map(([key, env]) => {
    const file = config.get(key);
    if (file === '') {
      throw new RampartError('ERR_CONFIG_INVALID', `${key} is not set. Fix: set ${env} (or ${key} in the config file) to a PEM file`);
    }
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new RampartError('ERR_CONFIG_INVALID', `${key}: cannot read ${file}. Fix: point ${env} at a readable PEM file`);
    }
    return file;
  }) as [string, string, string];
  const sources = {
    caFile: caCertificateFile,
    certFile: certificateFile,
    trustDomain: config.get('transport.tls.trustDomain'),
    federatedBundles: config.get('transport.tls.federatedBundles'),
    names: BUNDLE_SETTING_NAMES,
  };
  try {
    checkTrustBundleSources(sources);
  } catch (error) {
    throw new RampartError('ERR_CONFIG_INVALID', (error as Error).message, { cause: error });
  }
  const refreshIntervalMs = Math.max(config.get('transport.tls.refreshIntervalMs'), 100);
  const identity = watchIdentityFiles({
    certFile: certificateFile,
    keyFile: privateKeyFile,
    refreshIntervalMs,
    names: { certFile: 'transport.tls.certFile', keyFile: 'transport.tls.keyFile' },
    onProblem: (problem) => logger.error({ problem }, 'TLS certificate or key not usable; the previous ones stay in use until fixed'),
    onReload: (loaded) => logger.info({ serialNumber: loaded.serialNumber, notAfter: loaded.notAfter }, 'TLS certificate reloaded'),
  });
  const bundles = watchTrustBundles(sources, {
    refreshIntervalMs,
    onProblem: (problem) => logger.error({ problem }, 'TLS trust bundles could not be reloaded; the previous ones stay in use until fixed'),
    onReload: (loaded) => logger.info({ trustDomains: loaded.trustDomains }, 'TLS trust bundles reloaded'),
  });
  // One provider for both roles: grpc-js's implementation takes (identity, ca, requireClientCertificate), unlike its
  // .d.ts (ca, identity, ...), so the order cannot go wrong. `false`: request a certificate, do not require it.
  const provider = combineCertificateSources(identity, bundles);
  const credentials: ServerCredentials = experimental.createCertificateProviderServerCredentials(provider, provider, false);

  const identityReady = identity.ready.then(
    () => undefined,
    (error: unknown) => {
      throw new RampartError('ERR_CONFIG_INVALID', (error as Error).message, { cause: error });
    },
  );
  const bundlesReady = bundles.ready.then(
    () => undefined,
    (error: unknown) => {
      throw new RampartError('ERR_CONFIG_INVALID', (error as Error).message, { cause: error });
    },
  );
  const timeoutMs = config.get('transport.tls.loadTimeoutMs');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RampartError(
            'ERR_CONFIG_INVALID',
            `TLS files not usable after ${timeoutMs} ms (${certificateFile}, ${privateKeyFile}, ${caCertificateFile}): check they are PEM and that the key matches the certificate`,
          ),
        ),
      timeoutMs,
    );
  });
  const ready = Promise.race([Promise.all([identityReady, bundlesReady]).then(() => undefined), timeout]);
  void ready.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return {
    credentials,
    secure: true,
    ready,
    trustBundles: () => bundles.current,
    async reload(): Promise<TransportReload> {
      const [certificate, trustBundles] = await Promise.all([identity.reload(), bundles.reload()]);
      const current = identity.current;
      return {
        certificate: { ...certificate, ...(current ? { serialNumber: current.serialNumber, notAfter: current.notAfter } : {}) },
        trustBundles: { ...trustBundles, trustDomains: bundles.current?.trustDomains ?? [] },
      };
    },
    close() {
      clearTimeout(timer);
      identity.close();
      bundles.close();
    },
  };
}
