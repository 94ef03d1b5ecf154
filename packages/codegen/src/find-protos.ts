import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Lists the `.proto` files below `root`, as paths relative to it with forward slashes, sorted.
 *
 * @example
 * ```ts
 * findProtoFiles('proto'); // ['rampart/demo/inventory/v1/inventory.proto', ...]
 * ```
 */
export function findProtoFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.proto')) found.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}
