import { RampartError } from '@rampart/core';
import type { CertificateSource } from '@rampart/pki/internal';
import type { MtlsChannel } from './mtls-channel-credentials.js';
import { pinnableChannelCredentials } from './pinned-channel.js';
import { serverIdentityCheck } from './server-identity-check.js';

/**
 * Options of {@link createSourceChannelCredentials}.
 *
 * @example
 * ```ts
 * const options: SourceChannelOptions = { expectedServerId: 'spiffe://demo.rampart.dev/inventory' };
 * ```
 */
export interface SourceChannelOptions {
  /** The SPIFFE ID the server must present (replaces the hostname check), as in `createMtlsChannelCredentials`. */
  readonly expectedServerId?: string;
}

/**
 * Mutual-TLS channel credentials from a {@link CertificateSource}: what `createMtlsChannelCredentials` does with
 * files, with the certificate and bundles pushed by the source instead of read from disk. New connections use what
 * the source holds at the time; trust is scoped by trust domain the same way (a server's chain must lead to a CA in
 * the bundle of the trust domain of its own SPIFFE ID); `reload()` has nothing to re-read.
 *
 * @throws TypeError when `expectedServerId` is not a valid SPIFFE ID.
 *
 * @example
 * ```ts
 * const channel = createSourceChannelCredentials(source, { expectedServerId: 'spiffe://demo.rampart.dev/inventory' });
 * await channel.ready;
 * ```
 */
export function createSourceChannelCredentials(source: CertificateSource, options: SourceChannelOptions = {}): MtlsChannel {
  const check = serverIdentityCheck(options.expectedServerId, () => source.trustBundles());
  const credentials = pinnableChannelCredentials(source, source, () => source.identity(), check);
  let closed = false;
  const ready = source.ready.then(
    () => {
      if (closed) throw new RampartError('ERR_UNAVAILABLE', 'mTLS channel credentials were closed before the certificate was loaded');
    },
    (error: unknown) => {
      throw new RampartError('ERR_CONFIG_INVALID', `mTLS channel credentials: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    },
  );
  ready.catch(() => undefined);
  const unchanged = { result: 'unchanged' } as const;
  return {
    credentials,
    ready,
    reload: () => Promise.resolve({ certificate: unchanged, trustBundles: unchanged }),
    close: () => {
      closed = true;
    },
  };
}
