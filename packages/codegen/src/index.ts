// @rampart/codegen: generate typed descriptors and handler types from .proto files (the `rampart-codegen` binary
// runs the same), and the proto-loader options the generated types assume. What the server shares of it:
// '@rampart/codegen/internal'.
export { generate, type GenerateOptions, type GenerateResult } from './generate.js';
export { PROTO_LOADER_OPTIONS } from './loader-options.js';
