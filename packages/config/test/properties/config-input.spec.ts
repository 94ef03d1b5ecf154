import { RampartError } from '@rampart/core';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/index.js';
import { RUNS } from './runs.js';

// Issue 18, item 3: configuration from outside (environment variables, config files), arbitrary: it loads, or start-up
// stops with one ERR_CONFIG_INVALID that names the key (and the variable or file) at fault. Nothing else escapes.

const schema = {
  server: {
    port: { doc: 'port', format: 'port', default: 50051, env: 'T_PORT' },
    graceMs: { doc: 'grace', format: 'nat', default: 1_000, env: 'T_GRACE_MS' },
    reflection: { doc: 'reflection', format: Boolean, default: false, env: 'T_REFLECTION' },
    host: { doc: 'host', format: String, default: '127.0.0.1', env: 'T_HOST' },
    scopes: { doc: 'scopes', format: Object, default: {}, env: 'T_SCOPES' },
  },
};
const KEYS = ['T_PORT', 'T_GRACE_MS', 'T_REFLECTION', 'T_HOST', 'T_SCOPES'] as const;
const dir = mkdtempSync(join(tmpdir(), 'rampart-config-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadsOrNamesTheKey(load: () => unknown): void {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(RampartError);
    const e = error as RampartError;
    expect(['ERR_CONFIG_INVALID', 'ERR_CONFIG_INLINE_SECRET']).toContain(e.code);
    expect(e.message).toMatch(/server\.(port|graceMs|reflection|host|scopes)|T_[A-Z_]+|config/);
  }
}

describe('config input, arbitrary', () => {
  it('environment variables: any values load or stop start-up naming the key', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.string({ maxLength: 40 }), fc.json({ maxDepth: 2 }), fc.integer().map(String))), (env) => {
        loadsOrNamesTheKey(() => loadConfig({ schemas: [schema], env, files: [] }));
      }),
      { numRuns: RUNS },
    );
  });

  it('config files: any content loads or stops start-up naming the file or the key', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ server: v }))), (content) => {
        const file = join(dir, `c${n++ % 50}.json`);
        writeFileSync(file, content);
        loadsOrNamesTheKey(() => loadConfig({ schemas: [schema], env: {}, files: [file] }));
      }),
      { numRuns: RUNS },
    );
  });

  it('a valid value always loads as itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65_535 }), fc.nat(), fc.boolean(), (port, grace, reflection) => {
        const config = loadConfig({ schemas: [schema], env: { T_PORT: String(port), T_GRACE_MS: String(grace), T_REFLECTION: String(reflection) }, files: [] });
        expect([config.get('server.port'), config.get('server.graceMs'), config.get('server.reflection')]).toEqual([port, grace, reflection]);
      }),
      { numRuns: RUNS },
    );
  });
});
