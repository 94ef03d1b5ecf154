export { rampartOtel, RAMPART_OTEL, type RampartOtelOptions } from './plugin.js';
export { otelConfigSchema, OTEL_ENV_VALUES, type OtelConfig } from './config-schema.js';
export { otelSettingsFromConfig, type OtelSettings } from './otel-settings.js';
export { startOtelSdk, type OtelSdk, type OtelSdkOptions } from './sdk.js';
export { assertNoGlobals, unregisterGlobals } from './globals.js';
export { OTEL_TOKENS } from './tokens.js';
