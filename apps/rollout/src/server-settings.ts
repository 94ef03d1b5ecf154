import type { Flags } from './flags.js';

/** The replicas' server and client settings for this run, and the load driver's channel options. */
export interface RolloutSettings {
  readonly serverSettings: Readonly<Record<string, string>>;
  readonly clientSettings: Readonly<Record<string, string>>;
  readonly loadChannelOptions: Readonly<Record<string, string | number>>;
  readonly healthPort?: number;
}

/**
 * Settings of the server on main today: none beyond the defaults (the shutdown grace), plus what --env adds.
 */
export function serverSettings(flags: Flags): RolloutSettings {
  return { serverSettings: { ...flags.serverEnv }, clientSettings: {}, loadChannelOptions: {} };
}

/** max connection age + grace of the replicas, when set: the bound within which a new replica must get traffic. */
export function trafficBoundMs(settings: Readonly<Record<string, string>>): number | undefined {
  const age = settings.RAMPART_SERVER_MAX_CONNECTION_AGE_MS;
  if (age === undefined) return undefined;
  return Number(age) + Number(settings.RAMPART_SERVER_MAX_CONNECTION_AGE_GRACE_MS ?? 0);
}
