import type { Flags } from './flags.js';

/** The replicas' server and client settings for this run, and the load driver's channel options. */
export interface RolloutSettings {
  readonly serverSettings: Readonly<Record<string, string>>;
  readonly clientSettings: Readonly<Record<string, string>>;
  readonly loadChannelOptions: Readonly<Record<string, string | number>>;
  readonly healthPort?: number;
}

/** The plaintext health-only port of every replica (the kubelet's probes; the harness waits on it). */
export const HEALTH_PORT = 8081;

/**
 * What a replica runs with, as on Kubernetes but with shorter times: the health port; after SIGTERM, NOT_SERVING
 * and 2 s of normal serving (drain delay: the endpoints lag and the clients' re-resolution), then GOAWAY and up to
 * 10 s for calls in flight; connections aged out after about 10 s (+ 10 s grace for calls on them), so clients
 * re-resolve and reach new replicas. `--env` settings win.
 */
export function serverSettings(flags: Flags): RolloutSettings {
  return {
    serverSettings: {
      RAMPART_SERVER_HEALTH_PORT: String(HEALTH_PORT),
      RAMPART_SERVER_DRAIN_DELAY_MS: '2000',
      RAMPART_SERVER_SHUTDOWN_GRACE_MS: '10000',
      RAMPART_SERVER_MAX_CONNECTION_AGE_MS: '10000',
      RAMPART_SERVER_MAX_CONNECTION_AGE_GRACE_MS: '10000',
      ...flags.serverEnv,
    },
    // orders' inventory client: re-resolve at most once a second (see clients.<name>.minResolutionIntervalMs).
    clientSettings: { RAMPART_CLIENTS_INVENTORY_MIN_RESOLUTION_INTERVAL_MS: '1000' },
    // The load driver's own channels: re-resolve at most once a second when a connection closes (grpc-js's
    // default is 30 s, during which a client whose known replicas have all gone has nowhere to send calls).
    loadChannelOptions: { 'grpc.dns_min_time_between_resolutions_ms': 1_000 },
    healthPort: Number(flags.serverEnv.RAMPART_SERVER_HEALTH_PORT ?? HEALTH_PORT),
  };
}

/** max connection age + grace of the replicas, when set: the bound within which a new replica must get traffic. */
export function trafficBoundMs(settings: Readonly<Record<string, string>>): number | undefined {
  const age = settings.RAMPART_SERVER_MAX_CONNECTION_AGE_MS;
  if (age === undefined || Number(age) === 0) return undefined;
  return Number(age) + Number(settings.RAMPART_SERVER_MAX_CONNECTION_AGE_GRACE_MS ?? 0);
}
