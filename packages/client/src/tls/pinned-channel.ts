import { experimental, type ChannelCredentials } from '@grpc/grpc-js';
import { combineCertificateSources, type CaSource, type IdentitySource } from '@rampart/pki/internal';
import type { PeerCertificate } from 'node:tls';
import { registerIdentityChannel, type ClientIdentity } from './channel-identity.js';

/**
 * Channel credentials from an identity source and a trust bundle source, registered so that `createClient` with a
 * token source can pin each generation of connections to one certificate: the token it sends is bound to the
 * certificate of the connection it goes on (channel-identity.ts, ADR 0028).
 *
 * @param current the identity new connections present now (undefined until loaded).
 */
export function pinnableChannelCredentials(
  identity: IdentitySource,
  bundles: CaSource,
  current: () => ClientIdentity | undefined,
  checkServerIdentity: (hostname: string, cert: PeerCertificate) => Error | undefined,
): ChannelCredentials {
  const provider = combineCertificateSources(identity, bundles);
  const credentials = experimental.createCertificateProviderChannelCredentials(provider, provider, { checkServerIdentity });
  const pinned = new Map<string, ChannelCredentials>();
  registerIdentityChannel(credentials, {
    identity: current,
    credentialsFor: (chosen: ClientIdentity) => {
      let found = pinned.get(chosen.fingerprint256);
      if (found === undefined) {
        const fixed = combineCertificateSources(fixedIdentity(chosen), bundles);
        found = experimental.createCertificateProviderChannelCredentials(fixed, fixed, { checkServerIdentity });
        pinned.clear();
        pinned.set(chosen.fingerprint256, found);
      }
      return found;
    },
  });
  return credentials;
}

/** An identity source that always hands out one certificate and key. */
function fixedIdentity(chosen: ClientIdentity): IdentitySource {
  return {
    addIdentityCertificateListener: (listener) => process.nextTick(listener, { certificate: chosen.certificate, privateKey: chosen.privateKey }),
    removeIdentityCertificateListener: () => undefined,
  };
}
