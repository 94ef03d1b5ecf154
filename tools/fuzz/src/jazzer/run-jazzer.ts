import { createRequire } from 'node:module';
import { loadJazzerAddon } from './addon-compat.js';

/**
 * The child process of one fuzz target: `node dist/jazzer/run-jazzer.js <addon cache dir> <jazzer CLI arguments…>`.
 * Loads Jazzer.js's native addon (patched for an older glibc when needed, see addon-compat.ts), then hands the
 * remaining arguments to the `jazzer` command line, unchanged.
 */
const [cacheDir, ...args] = process.argv.slice(2);
if (cacheDir === undefined) throw new Error('usage: run-jazzer.js <addon cache dir> <jazzer arguments>');
const load = loadJazzerAddon(cacheDir);
process.stderr.write(`INFO: Jazzer.js addon ${load.kind === 'patched' ? `patched for this glibc (${load.copy})` : 'as shipped'}\n`);
process.argv = [process.argv[0] as string, 'jazzer', ...args];
createRequire(import.meta.url)('@jazzer.js/core/dist/cli.js');
