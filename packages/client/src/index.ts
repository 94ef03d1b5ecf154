export { createClient, closeClient, type CreateClientOptions } from './create-client.js';
export { callError } from './call-error.js';
export type { LoadBalancingPolicy, RetrySettings } from './service-config.js';
export {
  createMtlsChannelCredentials,
  type MtlsChannel,
  type MtlsChannelOptions,
} from './tls/mtls-channel-credentials.js';
export { createWorkloadApiChannelCredentials, type WorkloadApiChannelOptions } from './tls/workload-api-channel.js';
export {
  TokenClient,
  type AudienceParameter,
  type TokenClientOptions,
  type TokenClientSettings,
  type TokenSource,
} from './tokens/token-client.js';
export type { ClientAuthentication, ClientAuthMethod, ClientAssertionAlg } from './tokens/client-authentication.js';
export type { ClientIdentity } from './tls/channel-identity.js';
export type { TokenCacheTiming } from './tokens/token-cache.js';
export type { TokenResponse } from './tokens/token-endpoint.js';
export type { ClientTlsFiles, TokenTlsAgents } from './tokens/https-agent.js';
export { InMemoryTlsAgents, type InMemoryTlsMaterial } from './tokens/in-memory-agents.js';
export { JwtSvidTokens } from './tokens/jwt-svid-tokens.js';
export { clientOf } from './di/client-of.js';
export { rampartClients, TOKEN_CLIENT, type ClientTarget } from './di/rampart-clients.js';
export {
  targetSchema,
  tokenClientSchema,
  clientsConfigSchema,
  type ClientsConfig,
  type ClientsConfigSchema,
  type TokenClientConfig,
} from './di/clients-config.js';
