import { readFile } from 'node:fs/promises';

/**
 * The CLI's own version, from its package.json: what `--standalone` projects depend on.
 *
 * @example
 * ```ts
 * await cliVersion(); // '0.1.0'
 * ```
 */
export async function cliVersion(): Promise<string> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
