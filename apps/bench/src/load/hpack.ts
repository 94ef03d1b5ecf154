import { HUFFMAN_CODES } from './huffman-codes.js';

/** HPACK (RFC 7541), as much as a gRPC load generator needs: a full decoder, and integer/string encoders. */

/** The static table (RFC 7541, Appendix A); index 1 is the first entry. */
export const STATIC_TABLE: readonly (readonly [name: string, value: string])[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];

/** A node of the Huffman decoding tree: a leaf holds a symbol, an inner node its two children. */
type HuffmanNode = { symbol: number } | { zero: HuffmanNode | undefined; one: HuffmanNode | undefined };

const HUFFMAN_ROOT = ((): HuffmanNode => {
  const root: HuffmanNode = { zero: undefined, one: undefined };
  HUFFMAN_CODES.forEach(([bits, code], symbol) => {
    let node = root;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = Math.floor(code / 2 ** i) % 2;
      const key = bit === 1 ? 'one' : 'zero';
      if (i === 0) {
        node[key] = { symbol };
      } else {
        node[key] ??= { zero: undefined, one: undefined };
        node = node[key] as { zero: HuffmanNode | undefined; one: HuffmanNode | undefined };
      }
    }
  });
  return root;
})();

/** Decodes a Huffman-coded string (RFC 7541 §5.2): padding must be the EOS prefix, at most 7 bits. */
export function huffmanDecode(input: Uint8Array): string {
  const out: number[] = [];
  let node = HUFFMAN_ROOT;
  let depth = 0;
  let allOnes = true;
  for (const byte of input) {
    for (let i = 7; i >= 0; i--) {
      const bit = (byte >> i) & 1;
      const inner = node as { zero: HuffmanNode | undefined; one: HuffmanNode | undefined };
      const next = bit === 1 ? inner.one : inner.zero;
      if (next === undefined) throw new Error('invalid Huffman code');
      depth += 1;
      allOnes &&= bit === 1;
      if ('symbol' in next) {
        if (next.symbol === 256) throw new Error('EOS in Huffman string');
        out.push(next.symbol);
        node = HUFFMAN_ROOT;
        depth = 0;
        allOnes = true;
      } else {
        node = next;
      }
    }
  }
  if (depth > 7 || !allOnes) throw new Error('invalid Huffman padding');
  return Buffer.from(out).toString('latin1');
}

/** An HPACK integer with an `prefixBits`-bit prefix, the prefix's high bits set to `flags`. */
export function encodeInteger(value: number, prefixBits: number, flags = 0): Buffer {
  const max = 2 ** prefixBits - 1;
  if (value < max) return Buffer.from([flags | value]);
  const bytes = [flags | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A string literal without Huffman coding. */
export function encodeString(value: string): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  return Buffer.concat([encodeInteger(bytes.length, 7), bytes]);
}

const entrySize = (name: string, value: string): number => name.length + value.length + 32;

/** An HPACK decoder with its dynamic table: one per connection direction. */
export class HpackDecoder {
  readonly #dynamic: [string, string][] = [];
  #size = 0;
  #maxSize: number;

  constructor(maxSize = 4096) {
    this.#maxSize = maxSize;
  }

  /** Decodes one complete header block into [name, value] pairs. */
  decode(block: Buffer): [string, string][] {
    const headers: [string, string][] = [];
    let at = 0;
    const integer = (prefixBits: number): number => {
      const max = 2 ** prefixBits - 1;
      let value = (block[at++] as number) & max;
      if (value < max) return value;
      let factor = 1;
      for (;;) {
        const byte = block[at++];
        if (byte === undefined) throw new Error('truncated HPACK integer');
        value += (byte & 0x7f) * factor;
        if (byte < 0x80) return value;
        factor *= 128;
      }
    };
    const string = (): string => {
      const huffman = ((block[at] as number) & 0x80) !== 0;
      const length = integer(7);
      if (at + length > block.length) throw new Error('truncated HPACK string');
      const bytes = block.subarray(at, at + length);
      at += length;
      return huffman ? huffmanDecode(bytes) : bytes.toString('latin1');
    };
    while (at < block.length) {
      const first = block[at] as number;
      if (first & 0x80) {
        headers.push([...this.#entry(integer(7))]);
      } else if ((first & 0xe0) === 0x20) {
        this.#resize(integer(5));
      } else {
        const indexing = (first & 0xc0) === 0x40;
        const index = integer(indexing ? 6 : 4);
        const name = index === 0 ? string() : this.#entry(index)[0];
        const value = string();
        headers.push([name, value]);
        if (indexing) this.#add(name, value);
      }
    }
    return headers;
  }

  #entry(index: number): readonly [string, string] {
    if (index === 0) throw new Error('HPACK index 0');
    const entry = index <= STATIC_TABLE.length ? STATIC_TABLE[index - 1] : this.#dynamic[index - STATIC_TABLE.length - 1];
    if (entry === undefined) throw new Error(`HPACK index ${index} out of range`);
    return entry;
  }

  #add(name: string, value: string): void {
    const size = entrySize(name, value);
    this.#dynamic.unshift([name, value]);
    this.#size += size;
    this.#evict();
  }

  #resize(size: number): void {
    this.#maxSize = size;
    this.#evict();
  }

  #evict(): void {
    while (this.#size > this.#maxSize) {
      const [name, value] = this.#dynamic.pop() as [string, string];
      this.#size -= entrySize(name, value);
    }
  }
}

/**
 * The encoder side, for a client whose header fields are few and repeat: each field is sent once as a literal with
 * incremental indexing (when the table has room; entries are never evicted) and then as a one-byte-or-so index;
 * fields marked `volatile` (a different value every call) go as literals without indexing.
 */
export class HpackEncoder {
  /** name + '\0' + value → insertion number. */
  readonly #inserted = new Map<string, number>();
  #count = 0;
  #size = 0;
  /** Whether the last {@link encode} emitted only indexes (so the same fields will encode the same way again). */
  lastWasIndexedOnly = false;

  constructor(private readonly maxSize = 4096) {}

  encode(fields: readonly (readonly [name: string, value: string, volatile?: boolean])[]): Buffer {
    const parts: Buffer[] = [];
    this.lastWasIndexedOnly = true;
    for (const [name, value, volatile] of fields) {
      const staticIndex = STATIC_TABLE.findIndex(([n, v]) => n === name && v === value);
      if (staticIndex >= 0) {
        parts.push(encodeInteger(staticIndex + 1, 7, 0x80));
        continue;
      }
      const key = `${name}\0${value}`;
      const seq = this.#inserted.get(key);
      if (seq !== undefined) {
        parts.push(encodeInteger(STATIC_TABLE.length + this.#count - seq, 7, 0x80));
        continue;
      }
      this.lastWasIndexedOnly = false;
      const nameIndex = STATIC_TABLE.findIndex(([n]) => n === name) + 1;
      const size = entrySize(name, value);
      const index = !volatile && this.#size + size <= this.maxSize;
      parts.push(index ? encodeInteger(nameIndex, 6, 0x40) : encodeInteger(nameIndex, 4, 0x00));
      if (nameIndex === 0) parts.push(encodeString(name));
      parts.push(encodeString(value));
      if (index) {
        this.#inserted.set(key, this.#count);
        this.#count += 1;
        this.#size += size;
      }
    }
    return Buffer.concat(parts);
  }
}
