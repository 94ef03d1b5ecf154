export { loadConfig, CONFIG_FILES_ENV, type LoadConfigOptions } from './load-config.js';
export { REDACTED, type LoadedConfig } from './loaded-config.js';
export { mergeSchemas } from './merge-schemas.js';
export { describeConfig } from './describe-config.js';
export { registerConfigFormats, RAMPART_FORMATS } from './formats.js';
