// @rampart/codegen/internal: what Rampart's server uses to find an app's .proto files the way codegen does. No
// compatibility promise: it changes with the framework's internals.
export { findProtoFiles } from './find-protos.js';
export { methodMessageTypes, type MethodMessageTypes } from './method-types.js';
export { resolveProtoImport } from './resolve-import.js';
