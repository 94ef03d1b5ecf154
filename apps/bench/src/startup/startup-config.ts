import type { Fixtures } from '../ipc.js';

/**
 * The servers whose start-up is timed, in report order: bare grpc-js (the baseline), the Rampart sample app as
 * `pnpm start` runs it, the same app bundled into one module by `scripts/bundle-app.mjs` (as its image ships it, ADR
 * 0051), NestJS.
 */
export const STARTUP_KINDS = ['grpc', 'rampart', 'rampart-bundle', 'nest'] as const;
export type StartupKind = (typeof STARTUP_KINDS)[number];

/** Environment variable carrying a start-up server's JSON configuration (`servers/startup-main.ts`). */
export const STARTUP_ENV = 'RAMPART_BENCH_STARTUP';

/** What `servers/startup-main.ts` starts. */
export interface StartupServerConfig {
  readonly kind: Exclude<StartupKind, 'rampart' | 'rampart-bundle'>;
  readonly port: number;
  readonly fixtures: Fixtures;
}
