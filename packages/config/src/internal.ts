// @rampart/config/internal: what Rampart's server uses to plan an app's schema without loading it. No
// compatibility promise: it changes with the framework's internals.
export { mergeSchemas } from './merge-schemas.js';
