import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One public entry point of a publishable package: `@rampart/auth/stages` is package auth, subpath `stages`. */
export interface Entry {
  /** The import specifier, e.g. `@rampart/auth/stages`. */
  readonly specifier: string;
  /** The package's folder. */
  readonly packageDir: string;
  /** The entry's declaration file, e.g. `<packageDir>/dist/stages.d.ts`. */
  readonly declarations: string;
  /** The report's file name, e.g. `auth.stages.api.md`. */
  readonly reportName: string;
}

interface PackageJson {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<string, { readonly types?: string } | string>;
}

/**
 * Every entry point of every publishable package under `packagesDir`, read from the packages' `exports` maps, so a
 * new package or subpath is covered without a list to keep.
 */
export function publicEntries(packagesDir: string): Entry[] {
  const entries: Entry[] = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const packageDir = join(packagesDir, folder);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageJson;
    if (manifest.private === true || manifest.exports === undefined) continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const types = typeof target === 'string' ? undefined : target.types;
      if (types === undefined) continue;
      const sub = subpath === '.' ? '' : subpath.slice(2);
      entries.push({
        specifier: sub === '' ? manifest.name : `${manifest.name}/${sub}`,
        packageDir,
        declarations: join(packageDir, types),
        reportName: `${[folder, ...(sub === '' ? [] : [sub.replaceAll('/', '.')])].join('.')}.api.md`,
      });
    }
  }
  return entries;
}
