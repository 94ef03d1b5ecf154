export { createIssuer, type Issuer, type IssuerOptions, type IssuerProvider } from './create-issuer.js';
export { tlsProblem, type IssuerTls, type IssuerTlsFiles } from './tls-files.js';
export type { IssuerTlsReload } from './tls-watch.js';
export { issuerConfigSchema, issuerOptionsFromConfig, ISSUER_DEFAULT_PATHS, type IssuerAppConfig } from './config-schema.js';
export { parseClients, type IssuerClientConfig, type ClientPolicy } from './clients.js';
export { rotateKeys, type RotateKeysOptions, type RotationResult } from './rotate-keys.js';
export { loadSigningKeys, type SigningKeys } from './signing-keys.js';
export { type KeyFile, type RotationStage, SIGNING_ALG } from './key-file.js';
export { TOKEN_EXCHANGE_GRANT, ACCESS_TOKEN_TYPE } from './grant-types.js';
