export { generate, type GenerateOptions, type GenerateResult } from './generate.js';
export { findProtoFiles } from './find-protos.js';
export { PROTO_LOADER_OPTIONS, GEN_TYPES_FLAGS } from './loader-options.js';
