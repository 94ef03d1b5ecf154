// Compile-time checks of the config types inferred from schemas: run by `vitest --typecheck` and by `tsc` (typecheck).
// Each `@ts-expect-error` fails the typecheck when the line it marks starts to compile.
import { describe, expectTypeOf, test } from 'vitest';
import {
  defineConfigSchema,
  definePlugin,
  type ConfigOf,
  type ConfigOfPlugins,
  type ConfigReader,
  type ConfigSchemaFragment,
  type RampartPlugin,
} from '../src/index.js';

const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

interface IssuerEntry {
  readonly issuer: string;
}
function issuerList(value: unknown): asserts value is readonly IssuerEntry[] {
  if (!Array.isArray(value)) throw new Error('must be a list');
}
function loose(value: unknown): void {
  if (typeof value !== 'string') throw new Error('must be a string');
}
const nat = (doc: string, value: number) => ({ doc, format: 'nat', default: value }) as const;
const NO_BUNDLES: Readonly<Record<string, string>> = {};

const schema = defineConfigSchema({
  server: {
    host: { doc: 'Address.', format: String, default: '127.0.0.1', env: 'HOST' },
    port: { doc: 'Port.', format: 'port', default: 50051, env: 'PORT' },
    size: { format: 'nat', default: 4 * 1024 * 1024 },
    on: { format: Boolean, default: true },
    ratio: { format: Number, default: 0.5 },
    allow: { format: Array, default: [] as string[] },
    anything: { format: Array, default: [] },
    pipe: { format: 'port_or_windows_named_pipe', default: 80 },
  },
  transport: { tls: { bundles: { format: Object, default: NO_BUNDLES }, refreshMs: nat('Every.', 1) } },
  log: { format: { format: [...LOG_FORMATS], default: 'auto' }, level: { format: ['info', 'debug'], default: 'info' } },
  auth: {
    issuers: { format: issuerList, default: [] },
    label: { format: loose, default: '' },
    maybe: { format: String, default: null, nullable: true },
    required: { format: 'url', default: null },
  },
  shorthand: 8080,
});
type Config = ConfigOf<typeof schema>;
expectTypeOf(schema).toMatchTypeOf<ConfigSchemaFragment>(); // what loadConfig and mergeSchemas take
declare const config: ConfigReader<Config>;

describe('the type of each setting', () => {
  test('comes from its format', () => {
    expectTypeOf(config.get('server.host')).toEqualTypeOf<string>();
    expectTypeOf(config.get('server.port')).toEqualTypeOf<number>();
    expectTypeOf(config.get('server.size')).toEqualTypeOf<number>();
    expectTypeOf(config.get('server.on')).toEqualTypeOf<boolean>();
    expectTypeOf(config.get('server.ratio')).toEqualTypeOf<number>();
    expectTypeOf(config.get('server.pipe')).toEqualTypeOf<number | string>();
    expectTypeOf(config.get('transport.tls.refreshMs')).toEqualTypeOf<number>();
    expectTypeOf(config.get('auth.required')).toEqualTypeOf<string>();
  });

  test('an enum is the union of its options', () => {
    expectTypeOf(config.get('log.format')).toEqualTypeOf<'auto' | 'json' | 'pretty'>();
    expectTypeOf(config.get('log.level')).toEqualTypeOf<'info' | 'debug'>();
  });

  test('a format function types its setting by its assertion, else by the default', () => {
    expectTypeOf(config.get('auth.issuers')).toEqualTypeOf<readonly IssuerEntry[]>();
    expectTypeOf(config.get('auth.label')).toEqualTypeOf<string>();
  });

  test('lists and objects take the type their default declares, read-only', () => {
    expectTypeOf(config.get('server.allow')).toEqualTypeOf<readonly string[]>();
    expectTypeOf(config.get('server.anything')).toEqualTypeOf<readonly unknown[]>();
    expectTypeOf(config.get('transport.tls.bundles')).toEqualTypeOf<{ readonly [domain: string]: string }>();
  });

  test('nullable adds null; a shorthand value is its own default', () => {
    expectTypeOf(config.get('auth.maybe')).toEqualTypeOf<string | null>();
    expectTypeOf(config.get('shorthand')).toEqualTypeOf<number>();
  });

  test('a group reads as the object of its values', () => {
    expectTypeOf(config.get('server').port).toEqualTypeOf<number>();
    expectTypeOf(config.get('transport.tls').refreshMs).toEqualTypeOf<number>();
  });
});

describe('what does not compile', () => {
  test('an unknown key, a wrong type, a type argument', () => {
    // @ts-expect-error a misspelt key
    config.get('server.prot');
    // @ts-expect-error a key below a setting
    config.get('server.port.value');
    // @ts-expect-error the port is a number
    const host: string = config.get('server.port');
    // @ts-expect-error the value type comes from the schema, not from a type argument
    config.get<'server.port', string>('server.port');
    // @ts-expect-error has() takes declared keys only
    config.has('server.nope');
    expectTypeOf(host).toBeString();
  });
});

describe('fragments compose', () => {
  const client = defineConfigSchema({ issuer: { format: String, default: '' }, retry: { max: { format: 'nat', default: 3 } } });
  const nested = defineConfigSchema({ auth: { client } });
  const target = defineConfigSchema({ address: { format: String, default: '' } });
  const perTarget = (names: readonly string[]) => ({ clients: Object.fromEntries(names.map((n) => [n, target])) });

  test('a typed fragment nested in another keeps its types under the longer keys', () => {
    expectTypeOf(nested).toMatchTypeOf<ConfigSchemaFragment>(); // the brand carries the types; the object stays a fragment
    type Nested = ConfigOf<typeof nested>;
    expectTypeOf<Nested['auth.client.issuer']>().toEqualTypeOf<string>();
    expectTypeOf<Nested['auth.client.retry.max']>().toEqualTypeOf<number>();
    expectTypeOf<Nested['auth.client']['retry']['max']>().toEqualTypeOf<number>();
  });

  test('a list of fragments is their intersection; a group keyed by any name types each member', () => {
    expectTypeOf(perTarget(['inventory']).clients).toEqualTypeOf<{ [name: string]: typeof target }>();
    const reader = {} as ConfigReader<ConfigOf<[typeof schema, typeof nested, ReturnType<typeof perTarget>]>>;
    expectTypeOf(reader.get('server.port')).toEqualTypeOf<number>();
    expectTypeOf(reader.get('auth.client.issuer')).toEqualTypeOf<string>();
    const name: string = 'inventory';
    expectTypeOf(reader.get(`clients.${name}.address`)).toEqualTypeOf<string>();
    // @ts-expect-error not a setting of a target
    reader.get(`clients.${name}.nope`);
  });

  test('an untyped fragment reads any key as unknown', () => {
    const untyped = {} as ConfigReader<ConfigOf<Record<string, unknown>>>;
    expectTypeOf(untyped.get('whatever')).toEqualTypeOf<unknown>();
    const plain = {} as ConfigReader;
    expectTypeOf(plain.get('whatever')).toEqualTypeOf<unknown>();
  });
});

describe('readers are passed where fewer keys are needed, never more', () => {
  type Small = ConfigOf<{ issuer: { format: StringConstructor; default: '' } }>;
  const wantsConfig = (reader: ConfigReader<Config>): ConfigReader<Config> => reader;
  const wantsUntyped = (reader: ConfigReader): ConfigReader => reader;

  test('a wider reader fits a narrower parameter; an untyped one fits only an untyped parameter', () => {
    const wide = {} as ConfigReader<Config & Small>;
    expectTypeOf(wantsConfig(wide)).toEqualTypeOf<ConfigReader<Config>>();
    expectTypeOf(wantsUntyped(config)).toEqualTypeOf<ConfigReader>();
    const small = {} as ConfigReader<Small>;
    // @ts-expect-error a reader without the server keys
    wantsConfig(small);
    // @ts-expect-error an untyped reader is no typed one (that would be an unchecked cast)
    wantsConfig({} as ConfigReader);
  });
});

describe('plugins', () => {
  const redis = defineConfigSchema({ redis: { url: { format: String, default: '', sensitive: true, env: 'REDIS_URL' } } });
  const tokens = defineConfigSchema({ auth: { tokens: { clockToleranceSec: { format: 'nat', default: 5 } } } });

  test('register reads the keys of its configSchema, typed; others do not compile', () => {
    const plugin = definePlugin({
      name: 'redis',
      configSchema: [redis, tokens],
      register({ config: c }) {
        expectTypeOf(c.get('redis.url')).toEqualTypeOf<string>();
        expectTypeOf(c.get('auth.tokens.clockToleranceSec')).toEqualTypeOf<number>();
        // @ts-expect-error not in the plugin's schemas
        c.get('server.port');
      },
    });
    expectTypeOf(plugin).toMatchTypeOf<RampartPlugin>();
  });

  test('an inline schema is typed too; no schema reads no key', () => {
    definePlugin({
      name: 'siem',
      configSchema: { siem: { url: { doc: 'Endpoint.', format: 'url', default: 'https://siem.example', env: 'SIEM_URL' } } },
      register(ctx) {
        expectTypeOf(ctx.config.get('siem.url')).toEqualTypeOf<string>();
      },
    });
    definePlugin({
      name: 'none',
      register(ctx) {
        // @ts-expect-error the plugin declares no config
        ctx.config.get('siem.url');
      },
    });
  });

  test("an app's config composes its plugins' configs; untyped plugins add nothing", () => {
    const a = definePlugin({ name: 'a', configSchema: redis, register: () => undefined });
    const b = definePlugin({ name: 'b', configSchema: tokens, register: () => undefined });
    const untyped: RampartPlugin = { name: 'u', register: () => undefined };
    expectTypeOf([a, b, untyped]).toMatchTypeOf<readonly RampartPlugin[]>(); // typed plugins go where any plugin goes
    type App = ConfigOfPlugins<[typeof a, typeof b, typeof untyped]>;
    expectTypeOf<App['redis.url']>().toEqualTypeOf<string>();
    expectTypeOf<App['auth.tokens.clockToleranceSec']>().toEqualTypeOf<number>();
    expectTypeOf<keyof App>().toEqualTypeOf<'redis' | 'redis.url' | 'auth' | 'auth.tokens' | 'auth.tokens.clockToleranceSec'>();
  });
});

describe('declared types', () => {
  type Method = 'tls' | 'secret';
  interface Client {
    readonly id: string;
    readonly method?: Method;
    readonly scopes: Readonly<Record<string, readonly string[]>>;
  }
  const NO_CLIENTS: readonly Client[] = [];
  const declared = defineConfigSchema({
    clients: { format: Array, default: NO_CLIENTS },
    codes: { format: Array, default: ['UNAVAILABLE'] },
    kind: { default: 'fixed' },
  });

  test('keep their unions of literals; single literals of a default widen', () => {
    expectTypeOf(declared).toMatchTypeOf<ConfigSchemaFragment>();
    const reader = {} as ConfigReader<ConfigOf<typeof declared>>;
    expectTypeOf(reader.get('clients')).toEqualTypeOf<readonly Client[]>();
    expectTypeOf(reader.get('codes')).toEqualTypeOf<readonly string[]>();
    expectTypeOf(reader.get('kind')).toEqualTypeOf<string>();
  });
});
