import { readFileSync, statSync } from 'node:fs';
import type { ConfigOf, ConfigReader, Logger } from '@rampart/core';
import type { transportTlsConfigSchema } from '@rampart/pki';
import type { TrustDomainBundles } from '@rampart/pki/internal';
import { configuredEndpoint, leaseJwtSource, workloadCertificateSource, type JwtSourceLease, type WorkloadCertificateSource } from '@rampart/spiffe';
import { createMtlsChannelCredentials, type MtlsChannel } from '../tls/mtls-channel-credentials.js';
import { createSourceChannelCredentials } from '../tls/source-channel-credentials.js';
import { InMemoryTlsAgents } from '../tokens/in-memory-agents.js';
import type { TokenTlsAgents } from '../tokens/https-agent.js';

type TransportConfig = ConfigReader<ConfigOf<typeof transportTlsConfigSchema>>;

/** How rampartClients makes a target's channel, from the workload's transport settings. */
export type ChannelFactory = (target: string, expectedServerId: string) => MtlsChannel;

/**
 * The channel factory for `transport.source`: files (`transport.tls.*`, watched) or the SPIFFE Workload API (the
 * app's shared X.509-SVID stream at `transport.workloadApi.address`).
 */
export function channelFactory(config: TransportConfig, logger: Logger): ChannelFactory {
  if (config.get('transport.source') === 'workload-api') {
    return (target, expectedServerId) => {
      const source = workloadSource(config, logger);
      const channel = createSourceChannelCredentials(source, expectedServerId !== '' ? { expectedServerId } : {});
      return { ...channel, close: () => (channel.close(), source.close()) };
    };
  }
  const trustDomain = config.get('transport.tls.trustDomain');
  return (target, expectedServerId) =>
    createMtlsChannelCredentials({
      certFile: config.get('transport.tls.certFile'),
      keyFile: config.get('transport.tls.keyFile'),
      caFile: config.get('transport.tls.caFile'),
      ...(trustDomain !== '' ? { trustDomain } : {}),
      federatedBundles: config.get('transport.tls.federatedBundles'),
      ...(expectedServerId !== '' ? { expectedServerId } : {}),
      refreshIntervalMs: Math.max(config.get('transport.tls.refreshIntervalMs'), 100),
      logger: logger.child({ target }),
    });
}

/**
 * The token client's TLS from the Workload API: its SVID, and for the issuer's HTTPS certificate `issuerCaFile` when
 * set (re-read when it changes), else the bundle of the workload's own trust domain. Undefined with files as the source
 * (the token client reads them itself). `close()` releases the stream.
 */
export function workloadTokenAgents(config: TransportConfig, logger: Logger, issuerCaFile: string): (TokenTlsAgents & { close(): Promise<void> }) | undefined {
  if (config.get('transport.source') !== 'workload-api') return undefined;
  const source = workloadSource(config, logger);
  const issuerCa = issuerCaFile === '' ? undefined : watchedFile(issuerCaFile);
  const ownCa = ownBundlePem(source);
  const agents = new InMemoryTlsAgents({
    identity: () => source.identity(),
    trustBundle: () => issuerCa?.() ?? ownCa(),
  });
  return {
    current: () => agents.current(),
    forIdentity: (identity) => agents.forIdentity(identity),
    close: async () => {
      await agents.close();
      source.close();
    },
  };
}

/** A share of the process's JwtSource at `transport.workloadApi.address` (the JWT-SVIDs of outgoing calls). */
export function jwtSourceLease(config: TransportConfig, logger: Logger): JwtSourceLease {
  return leaseJwtSource({ address: workloadApiAddress(config), timeoutMs: config.get('transport.tls.loadTimeoutMs'), logger: logger.child({ component: 'workload-api' }) });
}

function workloadSource(config: TransportConfig, logger: Logger): WorkloadCertificateSource {
  const address = workloadApiAddress(config);
  const hint = config.get('transport.workloadApi.svidHint');
  return workloadCertificateSource({
    address,
    ...(hint !== '' ? { hint } : {}),
    timeoutMs: config.get('transport.tls.loadTimeoutMs'),
    logger: logger.child({ component: 'workload-api' }),
  });
}

function workloadApiAddress(config: TransportConfig): string {
  return configuredEndpoint(config.get('transport.workloadApi.address'), 'transport.workloadApi.address');
}

/** The CA certificates of the workload's own trust domain, PEM: one Buffer per bundle set the source pushed. */
function ownBundlePem(source: WorkloadCertificateSource): () => Buffer | undefined {
  let seen: TrustDomainBundles | undefined;
  let pem: Buffer | undefined;
  return () => {
    const bundles = source.trustBundles();
    if (bundles !== seen) {
      seen = bundles;
      const own = bundles?.pemFor(undefined);
      pem = own === undefined ? undefined : Buffer.from(own);
    }
    return pem;
  };
}

/** A file's content, read again when its mtime or size changes; the last good read while it cannot be read. */
function watchedFile(file: string): () => Buffer | undefined {
  let stamp = '';
  let content: Buffer | undefined;
  return () => {
    try {
      const s = statSync(file);
      const now = `${s.mtimeMs}:${s.size}`;
      if (now !== stamp) {
        content = readFileSync(file);
        stamp = now;
      }
    } catch {
      // keep the last good content
    }
    return content;
  };
}
