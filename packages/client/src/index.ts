export { createClient, closeClient, type CreateClientOptions } from './create-client.js';
export { RpcError } from './rpc-error.js';
