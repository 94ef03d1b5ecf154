export { rampartOtel, RAMPART_OTEL, type RampartOtelOptions } from './plugin.js';
export { otelConfigSchema, type OtelConfig } from './config-schema.js';
export { startOtelSdk } from './start.js';
export type { OtelSdk, OtelSdkOptions } from './sdk-types.js';
export { OTEL_TOKENS } from './tokens.js';
