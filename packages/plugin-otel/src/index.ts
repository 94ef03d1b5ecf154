export { rampartOtel, RAMPART_OTEL, type RampartOtelOptions } from './plugin.js';
export { otelConfigSchema, OTEL_EXPORTERS } from './config-schema.js';
export { otelSettingsFromConfig, type OtelSettings, type ExporterChoice } from './otel-settings.js';
export { spanProcessorFor, metricReaderFor } from './exporters.js';
export { registerGlobals, type OtelGlobals } from './register-globals.js';
export { OTEL_TOKENS } from './tokens.js';
