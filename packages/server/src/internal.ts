// @rampart/server/internal: what Rampart's own packages and tools use (`@rampart/testing`'s in-process harness, the
// fuzz targets). No compatibility promise: it changes with the framework's internals.
export { inProcessInvoker, type InProcessInvoker } from './in-process.js';
export { identityFromDer } from './tls/peer-identity.js';
