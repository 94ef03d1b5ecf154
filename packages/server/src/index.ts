// @rampart/server: createApp and planApp, their options and results. Rampart's own in-process invoker and fuzz
// helpers: '@rampart/server/internal'.
export {
  createApp,
  type CreateAppOptions,
  type RampartApp,
  type AppConfig,
  type ListenResult,
  type CloseOptions,
  type AppState,
} from './create-app.js';
export { planApp, type AppPlan, type PlanAppOptions, type AuthMatrixEntry } from './plan-app.js';
export type { StartupProblem } from './startup-problems.js';
export type { InProcessCallOptions, InProcessOutcome } from './in-process-call.js';
export { serverConfigSchema, type ServerConfig } from './config-schema.js';
export type { ServerTransport, TransportReload } from './tls/server-transport.js';
export type { ProtoSource } from './proto-registry.js';
export type { ServiceClass } from './method-table.js';
