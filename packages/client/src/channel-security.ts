import type { ChannelCredentials } from '@grpc/grpc-js';
import { RampartError } from '@rampart/core';

/**
 * Whether channel credentials encrypt the connection (TLS), so bearer tokens may be sent on it. grpc-js has no public
 * way to ask; its `ChannelCredentials._isSecure()` (grpc-js 1.14, declared in its types) answers. When a grpc-js
 * without it is installed, this throws rather than guess: guessing "secure" would send tokens in plaintext, guessing
 * "insecure" would refuse every TLS client. `test/channel-security.spec.ts` pins the method on the installed grpc-js.
 *
 * @example
 * ```ts
 * if (options.tokens !== undefined && !isSecureChannel(options.credentials)) throw new RampartError('ERR_INSECURE_TRANSPORT', '…');
 * ```
 */
export function isSecureChannel(credentials: ChannelCredentials): boolean {
  const probe = (credentials as { _isSecure?: unknown })._isSecure;
  if (typeof probe !== 'function') {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      'cannot tell whether these channel credentials use TLS (ChannelCredentials._isSecure is missing): use @grpc/grpc-js 1.14, the version @rampart/client is built for',
    );
  }
  return (probe as () => unknown).call(credentials) === true;
}
