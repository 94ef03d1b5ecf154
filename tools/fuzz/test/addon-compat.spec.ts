import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPAT_IMPORTS, patchForOlderGlibc } from '../src/jazzer/addon-compat.js';
import { ElfSymbols } from '../src/jazzer/elf-symbols.js';

// The prebuilt Jazzer.js addon for Linux x64 as shipped on npm, and the copy patched for glibc < 2.38.
const fuzzerRequire = createRequire(createRequire(import.meta.url).resolve('@jazzer.js/core'));
const prebuilds = join(dirname(realpathSync(fuzzerRequire.resolve('@jazzer.js/fuzzer/package.json'))), 'prebuilds');
const shipped = readFileSync(join(prebuilds, 'fuzzer-linux-x64.node'));

describe('the Jazzer.js addon patched for an older glibc', () => {
  it('as shipped, needs GLIBC_2.38 and GLIBCXX_3.4.32 for exactly the three imports the patch names', () => {
    const elf = new ElfSymbols(Buffer.from(shipped));
    const versions = elf.versionNeeds().map((n) => n.version);
    expect(versions).toEqual(expect.arrayContaining(['GLIBC_2.38', 'GLIBCXX_3.4.32']));
    const imports = elf.importedSymbols().map((s) => s.name);
    for (const { symbol } of COMPAT_IMPORTS) expect(imports).toContain(symbol);
  });

  it('patched, needs neither version, imports the older functions, and differs only in those names', () => {
    const { bytes, changes } = patchForOlderGlibc(shipped);
    const elf = new ElfSymbols(bytes);
    expect(elf.versionNeeds().map((n) => n.version)).not.toEqual(expect.arrayContaining(['GLIBC_2.38']));
    expect(elf.versionNeeds().map((n) => n.version)).not.toContain('GLIBCXX_3.4.32');
    const imports = elf.importedSymbols().map((s) => s.name);
    for (const { symbol, instead } of COMPAT_IMPORTS) {
      expect(imports).not.toContain(symbol);
      expect(imports).toContain(instead);
    }
    expect(changes).toHaveLength(5);
    expect(bytes.length).toBe(shipped.length);
    let differing = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== shipped[i]) differing++;
    expect(differing).toBeLessThan(80);
  });

  it('refuses what is not an ELF64 file', () => {
    expect(() => patchForOlderGlibc(Buffer.from('not an addon'))).toThrow(/ELF64/);
  });
});
