import { describe, expect, it } from 'vitest';
import { encodeInteger, HpackDecoder, HpackEncoder, huffmanDecode } from '../src/load/hpack.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('HPACK (RFC 7541 examples)', () => {
  it('encodes integers with a prefix (C.1)', () => {
    expect(encodeInteger(10, 5)).toEqual(hex('0a'));
    expect(encodeInteger(1337, 5)).toEqual(hex('1f9a0a'));
    expect(encodeInteger(42, 8)).toEqual(hex('2a'));
  });

  it('decodes Huffman strings (C.4) and refuses bad padding', () => {
    expect(huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'))).toBe('www.example.com');
    expect(huffmanDecode(hex('a8eb 1064 9cbf'))).toBe('no-cache');
    expect(huffmanDecode(hex('25a8 49e9 5ba9 7d7f'))).toBe('custom-key');
    expect(() => huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f400'))).toThrow(/padding|Huffman/);
  });

  it('decodes the requests of C.4 with their dynamic table', () => {
    const decoder = new HpackDecoder();
    expect(decoder.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(decoder.decode(hex('8286 84be 5886 a8eb 1064 9cbf'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(decoder.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
  });

  it('the encoder indexes repeated fields after their first use, and a decoder reads both forms', () => {
    const encoder = new HpackEncoder();
    const decoder = new HpackDecoder();
    const fields: [string, string, boolean?][] = [
      [':method', 'POST'],
      [':path', '/svc/Echo'],
      ['te', 'trailers'],
      ['authorization', 'Bearer abc'],
    ];
    const first = encoder.encode(fields);
    expect(encoder.lastWasIndexedOnly).toBe(false);
    const second = encoder.encode(fields);
    expect(encoder.lastWasIndexedOnly).toBe(true);
    expect(second.length).toBe(4);
    const plain = fields.map(([n, v]) => [n, v]);
    expect(decoder.decode(first)).toEqual(plain);
    expect(decoder.decode(second)).toEqual(plain);
    const fresh = encoder.encode([[':path', '/svc/Echo'], ['authorization', 'Bearer other', true]]);
    expect(decoder.decode(fresh)).toEqual([
      [':path', '/svc/Echo'],
      ['authorization', 'Bearer other'],
    ]);
  });
});
