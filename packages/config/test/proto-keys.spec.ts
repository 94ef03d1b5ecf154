import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';

// An object setting whose JSON holds a "__proto__" key (JSON.parse makes it an own property like any other) was copied
// with a plain assignment, which set the copy's prototype instead: the key vanished from the loaded value and its
// members showed through as inherited ones (`scopes.admin === true` though the file gave no "admin" key). Found while
// writing the round-trip invariant of `pnpm fuzz`'s config target ("what loads from the file is what the file says").

const schema = {
  app: {
    scopes: { doc: 'a map', format: Object, default: {}, env: 'T_SCOPES' },
    lists: { doc: 'a list of maps', format: Array, default: [] as Record<string, unknown>[], env: 'T_LISTS' },
  },
};
const dir = mkdtempSync(join(tmpdir(), 'rampart-config-proto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('"__proto__" keys in object settings', () => {
  it('stay own keys of a value from a config file, and nothing is inherited', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"app":{"scopes":{"__proto__":{"admin":true},"read":1},"lists":[{"__proto__":{"x":1}}]}}');
    const config = loadConfig({ schemas: [schema], env: {}, files: [file] });
    const scopes = config.get('app.scopes');
    expect(Object.getPrototypeOf(scopes)).toBe(Object.prototype);
    expect(Object.keys(scopes)).toEqual(['__proto__', 'read']);
    expect(scopes['admin']).toBeUndefined();
    expect(JSON.stringify(scopes)).toBe('{"__proto__":{"admin":true},"read":1}');
    const [first] = config.get('app.lists');
    expect(Object.keys(first ?? {})).toEqual(['__proto__']);
    expect(first?.['x']).toBeUndefined();
  });

  it('stay own keys of a value from the environment', () => {
    const config = loadConfig({ schemas: [schema], env: { T_SCOPES: '{"__proto__":{"admin":true}}' }, files: [] });
    const scopes = config.get('app.scopes');
    expect(scopes['admin']).toBeUndefined();
    expect(JSON.stringify(scopes)).toBe('{"__proto__":{"admin":true}}');
  });
});
