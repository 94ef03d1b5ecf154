export { createClient, closeClient, type CreateClientOptions } from './create-client.js';
export { RpcError } from './rpc-error.js';
export {
  createMtlsChannelCredentials,
  type MtlsChannel,
  type MtlsChannelOptions,
} from './tls/mtls-channel-credentials.js';
