// @rampart/config: load an app's configuration from files and the environment, checked against the schemas the
// packages and plugins contribute, and describe it for the reference. What the server shares of it:
// '@rampart/config/internal'.
export { loadConfig, CONFIG_FILES_ENV, type LoadConfigOptions } from './load-config.js';
export type { LoadedConfig } from './loaded-config.js';
export { describeConfig } from './describe-config.js';
