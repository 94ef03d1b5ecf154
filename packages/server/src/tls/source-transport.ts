import { experimental } from '@grpc/grpc-js';
import { RampartError } from '@rampart/core';
import type { CertificateSource } from '@rampart/pki/internal';
import type { ServerTransport } from './server-transport.js';

/** A certificate source the transport owns: released when the transport closes. */
export interface OwnedCertificateSource extends CertificateSource {
  close(): void;
}

/**
 * TLS server credentials from a certificate source held in memory (the SPIFFE Workload API): the certificate, key and
 * trust bundles the source pushes are used for new connections at once, without files. As with files, the port asks
 * every client for a certificate without requiring one, and a client certificate counts only if its chain leads to
 * the bundle of the trust domain of its own SPIFFE ID (`trustBundles`). `ready` settles with the source's first
 * load, or fails after `loadTimeoutMs` naming `what`; `health` is the source's (the app reports NOT_SERVING while it
 * is unhealthy).
 */
export function createSourceServerTransport(source: OwnedCertificateSource, what: string, loadTimeoutMs: number): ServerTransport {
  // `false`: request a client certificate, do not require one (each method decides: @RequireMtls).
  const credentials = experimental.createCertificateProviderServerCredentials(source, source, false);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new RampartError('ERR_CONFIG_INVALID', `no certificate from ${what} after ${loadTimeoutMs} ms: check that it is running and that it has an identity for this workload`)),
      loadTimeoutMs,
    );
  });
  const loaded = source.ready.then(
    () => undefined,
    (error: unknown) => {
      throw new RampartError('ERR_CONFIG_INVALID', `no certificate from ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    },
  );
  const ready = Promise.race([loaded, timeout]);
  ready.catch(() => undefined);
  void ready.finally(() => clearTimeout(timer)).catch(() => undefined);
  return {
    credentials,
    secure: true,
    ready,
    trustBundles: () => source.trustBundles(),
    health: source.health,
    close() {
      clearTimeout(timer);
      source.close();
    },
  };
}
