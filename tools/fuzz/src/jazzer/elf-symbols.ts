/**
 * Just enough of ELF64 (little-endian, x86-64 and arm64 Linux) to read and rewrite the names of a shared object's
 * undefined dynamic symbols and of the symbol versions it needs (`.dynstr`, `.dynsym`, `.gnu.version_r`). Used by
 * `addon-compat.ts` only; see there for why.
 */

interface Section {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

/** One `Vernaux` entry: a version (`GLIBC_2.38`) that the object needs from a library (`libc.so.6`). */
export interface VersionNeed {
  readonly library: string;
  readonly version: string;
  /** File offset of the entry. */
  readonly at: number;
}

/** One undefined dynamic symbol (an import), e.g. `__isoc23_strtol`. */
export interface ImportedSymbol {
  readonly name: string;
  /** File offset of its name in `.dynstr`. */
  readonly nameAt: number;
}

const ELF_MAGIC = 0x464c457f;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const SYMBOL_SIZE = 24;

/** A parsed view of an ELF64 shared object held in memory; the `rename` methods change the buffer in place. */
export class ElfSymbols {
  readonly #bytes: Buffer;
  readonly #dynstr: Section;
  readonly #dynsym: Section;
  readonly #versionNeeds: Section;

  constructor(bytes: Buffer) {
    if (bytes.length < 64 || bytes.readUInt32LE(0) !== ELF_MAGIC || bytes[4] !== ELFCLASS64 || bytes[5] !== ELFDATA2LSB) {
      throw new Error('not a little-endian ELF64 file');
    }
    this.#bytes = bytes;
    const sections = readSections(bytes);
    const find = (name: string): Section => {
      const section = sections.find((s) => s.name === name);
      if (section === undefined) throw new Error(`ELF file has no ${name} section`);
      return section;
    };
    this.#dynstr = find('.dynstr');
    this.#dynsym = find('.dynsym');
    this.#versionNeeds = find('.gnu.version_r');
  }

  /** Every symbol version the object needs, by library. */
  versionNeeds(): VersionNeed[] {
    const b = this.#bytes;
    const needs: VersionNeed[] = [];
    let at = this.#versionNeeds.offset;
    for (;;) {
      const count = b.readUInt16LE(at + 2);
      const library = this.#string(b.readUInt32LE(at + 4));
      let aux = at + b.readUInt32LE(at + 8);
      for (let i = 0; i < count; i++) {
        needs.push({ library, version: this.#string(b.readUInt32LE(aux + 8)), at: aux });
        aux += b.readUInt32LE(aux + 12);
      }
      const next = b.readUInt32LE(at + 12);
      if (next === 0) return needs;
      at += next;
    }
  }

  /** The undefined (imported) dynamic symbols. */
  importedSymbols(): ImportedSymbol[] {
    const b = this.#bytes;
    const symbols: ImportedSymbol[] = [];
    for (let at = this.#dynsym.offset; at + SYMBOL_SIZE <= this.#dynsym.offset + this.#dynsym.size; at += SYMBOL_SIZE) {
      const nameOffset = b.readUInt32LE(at);
      const sectionIndex = b.readUInt16LE(at + 6);
      if (nameOffset === 0 || sectionIndex !== 0) continue;
      symbols.push({ name: this.#string(nameOffset), nameAt: this.#dynstr.offset + nameOffset });
    }
    return symbols;
  }

  /**
   * Makes the need for `need` a need for `instead`, another version the same library already requires (so the
   * dynamic loader asks for one it has): copies that entry's name and hash.
   */
  retargetVersionNeed(need: VersionNeed, instead: VersionNeed): void {
    if (need.library !== instead.library) throw new Error(`${need.version} and ${instead.version} are needed from different libraries`);
    this.#bytes.writeUInt32LE(this.#bytes.readUInt32LE(instead.at), need.at);
    this.#bytes.writeUInt32LE(this.#bytes.readUInt32LE(instead.at + 8), need.at + 8);
  }

  /**
   * Renames an imported symbol in place. The new name must not be longer: the old name's tail stays as it is, so a
   * shorter name that another symbol shares as a suffix keeps working.
   */
  renameImport(symbol: ImportedSymbol, name: string): void {
    if (name.length > symbol.name.length || !/^[\w.]+$/.test(name)) throw new Error(`cannot rename ${symbol.name} to ${name}`);
    this.#bytes.write(`${name}\0`, symbol.nameAt, 'latin1');
  }

  #string(offset: number): string {
    const start = this.#dynstr.offset + offset;
    const end = this.#bytes.indexOf(0, start);
    if (end === -1 || end > this.#dynstr.offset + this.#dynstr.size) throw new Error('ELF string table entry is not terminated');
    return this.#bytes.toString('latin1', start, end);
  }
}

function readSections(b: Buffer): Section[] {
  const tableAt = Number(b.readBigUInt64LE(0x28));
  const entrySize = b.readUInt16LE(0x3a);
  const count = b.readUInt16LE(0x3c);
  const namesIndex = b.readUInt16LE(0x3e);
  if (tableAt + count * entrySize > b.length) throw new Error('ELF section table lies outside the file');
  const raw = Array.from({ length: count }, (_, i) => {
    const at = tableAt + i * entrySize;
    return { nameOffset: b.readUInt32LE(at), offset: Number(b.readBigUInt64LE(at + 24)), size: Number(b.readBigUInt64LE(at + 32)) };
  });
  const names = raw[namesIndex];
  if (names === undefined) throw new Error('ELF file has no section name table');
  return raw.map((s) => {
    const start = names.offset + s.nameOffset;
    return { name: b.toString('latin1', start, b.indexOf(0, start)), offset: s.offset, size: s.size };
  });
}
