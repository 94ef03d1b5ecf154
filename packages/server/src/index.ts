export {
  createApp,
  type CreateAppOptions,
  type RampartApp,
  type AuthMatrixEntry,
  type ListenResult,
  type CloseOptions,
  type AppState,
} from './create-app.js';
export { serverConfigSchema } from './config-schema.js';
export type { ServerTransport, TransportReload } from './tls/server-transport.js';
export type { ProtoSource } from './proto-registry.js';
export type { ServiceClass } from './method-table.js';
export { identityFromDer } from './tls/peer-identity.js';
