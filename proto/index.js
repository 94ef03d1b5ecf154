import { fileURLToPath } from 'node:url';

/** The folder the sample system's `.proto` files (and their imports) are relative to: this package's own. */
export const PROTO_ROOT = fileURLToPath(new URL('.', import.meta.url));
