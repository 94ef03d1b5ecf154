import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { ElfSymbols } from './elf-symbols.js';

/**
 * Jazzer.js 4.0.0's prebuilt Linux addon (`@jazzer.js/fuzzer/prebuilds/fuzzer-linux-*.node`, libFuzzer inside) was
 * linked on a glibc 2.38 / GCC 13 system, so on Debian 12 (glibc 2.36, libstdc++ of GCC 12) `dlopen` refuses it:
 * `version 'GLIBC_2.38' not found`. Exactly three imports need the newer libraries:
 * - `__isoc23_strtol` and `__isoc23_strtoul` (GLIBC_2.38): glibc 2.38's C23 `strtol`/`strtoul`, which also accept a
 *   `0b` prefix when the base is 0 or 2. libFuzzer parses its decimal flags (`-runs=`, `-max_len=`) with them, so
 *   the C17 functions (GLIBC_2.2.5) do the same job;
 * - `std::ios_base_library_init()` (GLIBCXX_3.4.32): an anchor GCC 13's `<iostream>` declares so that the library
 *   that initialises `std::cout` is linked; it is never called (no relocation uses it). Node links libstdc++ itself,
 *   whose streams are initialised; the import is pointed at `std::ios_base::Init::Init()` (GLIBCXX_3.4), which
 *   exists everywhere.
 * {@link patchForOlderGlibc} rewrites those three imports and their version needs in a copy of the addon (nothing
 * else changes), and {@link loadJazzerAddon} puts that copy where Jazzer.js `require`s the shipped file. On a system
 * whose glibc loads the addon as shipped, nothing is patched.
 */
export const COMPAT_IMPORTS = [
  { symbol: '__isoc23_strtol', instead: 'strtol', version: 'GLIBC_2.38', insteadVersion: 'GLIBC_2.2.5' },
  { symbol: '__isoc23_strtoul', instead: 'strtoul', version: 'GLIBC_2.38', insteadVersion: 'GLIBC_2.2.5' },
  { symbol: '_ZSt21ios_base_library_initv', instead: '_ZNSt8ios_base4InitC1Ev', version: 'GLIBCXX_3.4.32', insteadVersion: 'GLIBCXX_3.4' },
] as const;

/** What `dlopen` says when the system's glibc or libstdc++ is older than the addon needs. */
const MISSING_VERSION = /version [`']?(GLIBC_2\.3[89]|GLIBCXX_3\.4\.3[2-9])'? not found/;
/** Versions newer than Debian 12's glibc 2.36 and GCC 12's libstdc++ (GLIBCXX_3.4.30). */
const NEWER_VERSION = /^(GLIBC_2\.(3[7-9]|[4-9]\d)|GLIBCXX_3\.4\.(3[1-9]|[4-9]\d))$/;

/** How the addon was loaded: as shipped, or the copy patched for an older glibc (and where that copy is). */
export type AddonLoad = { readonly kind: 'as shipped'; readonly path: string } | { readonly kind: 'patched'; readonly path: string; readonly copy: string };

/**
 * The addon with {@link COMPAT_IMPORTS} rewritten, and what was changed. Throws when the file needs a version that
 * is not in that list (a newer Jazzer.js build): then the patch would not be enough, and it says so.
 */
export function patchForOlderGlibc(original: Buffer): { bytes: Buffer; changes: string[] } {
  const bytes = Buffer.from(original);
  const elf = new ElfSymbols(bytes);
  const needs = elf.versionNeeds();
  const changes: string[] = [];
  const known = new Set<string>(COMPAT_IMPORTS.map((c) => c.version));
  const unknown = needs.filter((n) => NEWER_VERSION.test(n.version) && !known.has(n.version));
  if (unknown.length > 0) throw new Error(`the Jazzer.js addon needs ${unknown.map((n) => n.version).join(', ')}, which no patch here provides`);
  for (const version of known) {
    const need = needs.find((n) => n.version === version);
    if (need === undefined) continue;
    const insteadName = COMPAT_IMPORTS.find((c) => c.version === version)?.insteadVersion;
    const instead = needs.find((n) => n.library === need.library && n.version === insteadName);
    if (instead === undefined) throw new Error(`the addon needs ${version} but not ${String(insteadName)} from ${need.library}`);
    elf.retargetVersionNeed(need, instead);
    changes.push(`${need.library}: ${version} -> ${instead.version}`);
  }
  const imports = elf.importedSymbols();
  for (const { symbol, instead } of COMPAT_IMPORTS) {
    const found = imports.find((s) => s.name === symbol);
    if (found === undefined) continue;
    elf.renameImport(found, instead);
    changes.push(`${symbol} -> ${instead}`);
  }
  return { bytes, changes };
}

/**
 * Loads Jazzer.js's native addon into this process before Jazzer.js does, so that its own `require` finds it: as
 * shipped when it loads; otherwise, when it failed only for the glibc/libstdc++ versions above, a patched copy
 * written to `cacheDir` (git-ignored) and registered in the `require` cache under the shipped file's name.
 *
 * @example
 * ```ts
 * loadJazzerAddon('tools/fuzz/out/addon'); // { kind: 'patched', path: '…/fuzzer-linux-x64.node', copy: '…' }
 * ```
 */
export function loadJazzerAddon(cacheDir: string): AddonLoad {
  const require = createRequire(import.meta.url);
  const fuzzerRequire = createRequire(require.resolve('@jazzer.js/core'));
  const packageDir = dirname(realpathSync(fuzzerRequire.resolve('@jazzer.js/fuzzer/package.json')));
  const path = join(packageDir, 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
  try {
    fuzzerRequire(path);
    return { kind: 'as shipped', path };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!MISSING_VERSION.test(message)) throw new Error(`Jazzer.js's addon ${path} does not load: ${message}`, { cause: error });
  }
  const original = readFileSync(path);
  const { bytes } = patchForOlderGlibc(original);
  const digest = createHash('sha256').update(original).digest('hex').slice(0, 16);
  mkdirSync(cacheDir, { recursive: true });
  const copy = join(cacheDir, `fuzzer-${process.platform}-${process.arch}-${digest}.node`);
  writeFileSync(copy, bytes);
  const addon = new Module(path);
  addon.filename = path;
  process.dlopen(addon, copy);
  addon.loaded = true;
  require.cache[path] = addon;
  return { kind: 'patched', path, copy };
}
