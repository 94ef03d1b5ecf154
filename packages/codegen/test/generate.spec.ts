import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { findProtoFiles } from '../src/internal.js';

const protoRoot = fileURLToPath(new URL('./protos', import.meta.url));
let out: string;
let files: string[];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'rampart-codegen-'));
  generate({ protoRoot, outDir: out });
  files = listFiles(out).map((f) => relative(out, f));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('generate', () => {
  it('finds the proto files below the root', () => {
    expect(findProtoFiles(protoRoot)).toEqual(['acme/common/v1/money.proto', 'acme/shop/v1/shop.proto']);
  });

  it('writes one Rampart module per proto file, a barrel, and the message types', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'index.ts',
        'acme/shop/v1/shop.rampart.ts',
        'acme/common/v1/money.rampart.ts',
        'messages/acme/shop/v1/Basket.ts',
        'messages/acme/common/v1/Money.ts',
        'messages/google/protobuf/Empty.ts',
      ]),
    );
    // proto-loader-gen-types' own service and package files are not kept.
    expect(files.some((f) => f.endsWith('ShopService.ts'))).toBe(false);
  });

  it('describes each method with its path and call kind, and maps nested and imported messages', () => {
    const shop = readFileSync(join(out, 'acme/shop/v1/shop.rampart.ts'), 'utf8');
    expect(shop).toContain(`price: { name: 'Price', path: '/acme.shop.v1.ShopService/Price', kind: 'unary' }`);
    expect(shop).toContain(`restock: { name: 'Restock', path: '/acme.shop.v1.ShopService/Restock', kind: 'serverStream' }`);
    expect(shop).toContain(`upload: { name: 'Upload', path: '/acme.shop.v1.ShopService/Upload', kind: 'clientStream' }`);
    expect(shop).toContain(`haggle: { name: 'Haggle', path: '/acme.shop.v1.ShopService/Haggle', kind: 'bidi' }`);
    expect(shop).toContain(`Basket_Line as _acme_shop_v1_Basket_Line`);
    expect(shop).toContain(`from '../../../messages/acme/common/v1/Money.js'`);
    expect(shop).toContain('/** Prices a basket. */');
    expect(shop).toContain('export type ShopServiceHandlers = ServiceHandlers<ShopServiceShape>;');
    expect(shop).toContain(`protoFile: 'acme/shop/v1/shop.proto'`);
  });

  it('writes no machine path into any generated file', () => {
    for (const file of listFiles(out)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(protoRoot);
      expect(text, file).not.toContain(out);
    }
  });

  it('fails clearly for a missing proto root or an empty one', () => {
    expect(() => generate({ protoRoot: join(out, 'nope'), outDir: join(out, 'x') })).toThrow(/is not a directory/);
    const empty = mkdtempSync(join(tmpdir(), 'rampart-empty-'));
    try {
      expect(() => generate({ protoRoot: empty, outDir: join(out, 'y') })).toThrow(/no \.proto files/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
