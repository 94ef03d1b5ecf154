export { rampartOtel, RAMPART_OTEL, type RampartOtelOptions } from './plugin.js';
export { otelConfigSchema, type OtelConfig } from './config-schema.js';
export { startOtelSdk, type OtelSdk, type OtelSdkOptions } from './start.js';
export { OTEL_TOKENS } from './tokens.js';
