// Compile-time checks: loadConfig types the config it returns by the schemas it is given. Run by `vitest --typecheck`
// and by `tsc` (typecheck); each `@ts-expect-error` fails the typecheck when its line starts to compile.
import { defineConfigSchema, type ConfigReader } from '@rampart/core';
import { describe, expectTypeOf, test } from 'vitest';
import { loadConfig, type LoadedConfig } from '../src/index.js';

const server = defineConfigSchema({
  server: {
    port: { doc: 'gRPC port', format: 'port', default: 50051, env: 'RAMPART_SERVER_PORT' },
    mode: { doc: 'Mode', format: ['a', 'b'], default: 'a' },
  },
});

describe('loadConfig', () => {
  test('types the config by the schemas, typed fragments and inline literals alike', () => {
    const config = loadConfig({
      schemas: [server, { db: { password: { doc: 'DB password', format: String, default: null, sensitive: true, env: 'DB_PASSWORD' } } }],
      env: {},
    });
    expectTypeOf(config.get('server.port')).toEqualTypeOf<number>();
    expectTypeOf(config.get('server.mode')).toEqualTypeOf<'a' | 'b'>();
    expectTypeOf(config.get('db.password')).toEqualTypeOf<string>();
    expectTypeOf(config.sourceOf('server.port')).toEqualTypeOf<string>();
    // @ts-expect-error no schema declares it
    config.get('server.prot');
    // @ts-expect-error no schema declares it
    config.sourceOf('db.user');
    // @ts-expect-error a number is no string
    const port: string = config.get('server.port');
    expectTypeOf(port).toBeString();
  });

  test('fits a parameter that needs fewer keys, and an untyped reader', () => {
    const config = loadConfig({ schemas: [server, { extra: { n: { format: 'int', default: 1 } } }], env: {} });
    const wantsServer = (reader: ConfigReader<{ 'server.port': number }>): number => reader.get('server.port');
    expectTypeOf(wantsServer(config)).toBeNumber();
    const dynamic: ConfigReader = config; // keys known only at run time read as unknown
    expectTypeOf(dynamic.get(String(Math.random()))).toBeUnknown();
  });

  test('schemas typed only as fragments give an untyped config', () => {
    const fragments: Record<string, unknown>[] = [];
    const config = loadConfig({ schemas: fragments, env: {} });
    expectTypeOf(config).toMatchTypeOf<LoadedConfig>();
    expectTypeOf(config.get('anything')).toBeUnknown();
  });
});
