import { accessSync, constants } from 'node:fs';
import { experimental, type ServerCredentials } from '@grpc/grpc-js';
import { RampartError, type ConfigReader, type Logger } from '@rampart/core';
import { certificateKeyProblem } from '@rampart/pki';
import type { ServerTransport } from '../credentials.js';

const FILE_KEYS = [
  ['transport.tls.certFile', 'RAMPART_TLS_CERT_FILE'],
  ['transport.tls.keyFile', 'RAMPART_TLS_KEY_FILE'],
  ['transport.tls.caFile', 'RAMPART_TLS_CA_FILE'],
] as const;

/** Whether TLS files are configured at all. */
export function tlsConfigured(config: ConfigReader): boolean {
  return FILE_KEYS.some(([key]) => config.get<string>(key) !== '');
}

/**
 * TLS server credentials from watched files. The port asks every client for a certificate but does not require
 * one: a certificate that is sent must chain to the trust bundle to count, and each method decides whether it
 * needs one (`@RequireMtls`). Replaced files are picked up for new connections within `refreshIntervalMs`,
 * without a restart. `ready` resolves once the certificate, key and trust bundle have been loaded, because
 * grpc-js binds the port before that and the first connections would otherwise fail.
 */
export function createTlsServerTransport(config: ConfigReader, logger: Logger): ServerTransport {
  const [certificateFile, privateKeyFile, caCertificateFile] = FILE_KEYS.map(([key, env]) => {
    const file = config.get<string>(key);
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
  const provider = new experimental.FileWatcherCertificateProvider({
    certificateFile,
    privateKeyFile,
    caCertificateFile,
    refreshIntervalMs: Math.max(config.get<number>('transport.tls.refreshIntervalMs'), 100),
  });
  // The implementation takes (identity, ca, requireClientCertificate), unlike its .d.ts (ca, identity, ...);
  // one provider supplies both, so the order cannot go wrong. `false`: request a certificate, do not require it.
  const credentials: ServerCredentials = experimental.createCertificateProviderServerCredentials(provider, provider, false);

  let identityLoaded = false;
  let caLoaded = false;
  let settle: { resolve(): void; reject(e: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  const check = (): void => {
    if (identityLoaded && caLoaded) settle?.resolve();
  };
  const onIdentity = (update: { certificate: Buffer; privateKey: Buffer } | null): void => {
    const problem = update === null ? 'could not be read' : certificateKeyProblem(update.certificate, update.privateKey);
    if (problem !== undefined) {
      logger.error({ certificateFile, privateKeyFile, problem }, 'TLS certificate or key unusable; new connections will fail until fixed');
      if (!identityLoaded) {
        settle?.reject(
          new RampartError('ERR_CONFIG_INVALID', `TLS certificate ${certificateFile} / key ${privateKeyFile}: ${problem}`),
        );
      }
    } else if (!identityLoaded) {
      identityLoaded = true;
      check();
    }
  };
  const onCa = (update: unknown): void => {
    if (update === null) {
      logger.error({ caCertificateFile }, 'TLS trust bundle could not be loaded; new connections will fail until fixed');
    } else if (!caLoaded) {
      caLoaded = true;
      check();
    }
  };
  provider.addIdentityCertificateListener(onIdentity);
  provider.addCaCertificateListener(onCa);
  const timeoutMs = config.get<number>('transport.tls.loadTimeoutMs');
  const timer = setTimeout(
    () =>
      settle?.reject(
        new RampartError(
          'ERR_CONFIG_INVALID',
          `TLS files not usable after ${timeoutMs} ms (${certificateFile}, ${privateKeyFile}, ${caCertificateFile}): check they are PEM and that the key matches the certificate`,
        ),
      ),
    timeoutMs,
  );
  void ready.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return {
    credentials,
    secure: true,
    ready,
    close() {
      clearTimeout(timer);
      provider.removeIdentityCertificateListener(onIdentity);
      provider.removeCaCertificateListener(onCa);
    },
  };
}
