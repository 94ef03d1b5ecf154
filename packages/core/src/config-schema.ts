/**
 * Config schemas and the types inferred from them: a convict schema fragment written as a literal (or passed to
 * {@link defineConfigSchema}) gives the type of every setting, so `config.get('server.port')` is a `number` with no
 * type argument and an unknown key does not compile. Types only; `@rampart/config` loads and validates.
 */

/** A convict schema fragment whose setting types are not known (see {@link defineConfigSchema} for typed ones). */
export type ConfigSchemaFragment = Record<string, unknown>;

/** The config of a reader whose keys are not known: any key, `unknown` values. */
export type UntypedConfig = { readonly [key: string]: unknown };

declare const schemaConfig: unique symbol;

/**
 * A schema fragment that carries the types of its settings: `M` maps each dotted key (settings and groups) to the
 * type of its value. Made by {@link defineConfigSchema}; at run time it is the plain convict object.
 */
export interface ConfigSchema<M = UntypedConfig> {
  /** Types only: never present at run time. */
  readonly [schemaConfig]: M;
  /** The convict schema itself: settings and groups by name. */
  readonly [key: string]: unknown;
}

/**
 * What each named format holds once validated: convict's built-in formats and those `@rampart/config` adds. A format
 * added to convict by others is typed by its setting's `default`.
 */
interface NamedFormats {
  int: number;
  integer: number;
  nat: number;
  port: number;
  'duration-ms': number;
  url: string;
  'non-empty-string': string;
  windows_named_pipe: string;
  port_or_windows_named_pipe: number | string;
}

type AnyFunction = (...args: never[]) => unknown;

/** True for a union type (`'a' | 'b'`, also `boolean`), false for a single type. */
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** `const` inference makes a default's value a single literal (`50051`, `'auto'`): it widens. A union was declared. */
type WidenPrimitive<T> =
  true extends IsUnion<T> ? T : T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;

/**
 * The type a default declares, with the literals `const` inference made of it widened: `50051` → `number`,
 * `['UNAVAILABLE']` → `readonly string[]`, `[] as string[]` → `readonly string[]`; a declared union of literals stays.
 */
type Widen<T> = [T] extends [string | number | boolean | bigint]
  ? WidenPrimitive<T>
  : T extends null | undefined | bigint | RegExp | AnyFunction
    ? T
    : T extends readonly []
      ? readonly unknown[]
      : T extends readonly (infer E)[]
        ? readonly ([E] extends [never] ? unknown : Widen<E>)[]
        : T extends object
          ? keyof T extends never
            ? Readonly<Record<string, unknown>>
            : { readonly [K in keyof T]: Widen<T[K]> }
          : T;

/** The type a setting's default declares (`null`, "required", declares nothing). */
type Declared<N> = N extends { readonly default: infer D } ? Exclude<Widen<D>, null> : never;

/**
 * A setting's type from its format when the format proves one (a built-in type, a named format, an enum, a format
 * function with an assertion signature), else from its default: the element type of an `Array` or the values of an
 * `Object` are declared by the default (`default: [] as string[]`), as is the type of a format function that asserts
 * nothing.
 */
type FromFormat<F, N> = F extends StringConstructor | 'String'
  ? string
  : F extends NumberConstructor | 'Number'
    ? number
    : F extends BooleanConstructor | 'Boolean'
      ? boolean
      : F extends RegExpConstructor | 'RegExp'
        ? RegExp
        : F extends ArrayConstructor | 'Array'
          ? Declared<N> extends readonly unknown[]
            ? Declared<N>
            : readonly unknown[]
          : F extends ObjectConstructor | 'Object'
            ? Declared<N> extends object
              ? Declared<N>
              : Readonly<Record<string, unknown>>
            : F extends keyof NamedFormats
              ? NamedFormats[F]
              : F extends readonly (infer Option)[]
                ? Option
                : F extends (value: unknown, ...rest: never[]) => asserts value is infer T
                  ? unknown extends T
                    ? Declared<N> // a function that asserts nothing (returns void) also lands here
                    : T
                  : Declared<N>;

/** The value type of a setting node (a `{ default, ... }` entry or a shorthand value). */
type SettingValue<N> = N extends { readonly default: unknown }
  ?
      | (N extends { readonly format: infer F } ? FromFormat<F, N> : Declared<N>)
      | (N extends { readonly nullable: true } ? null : never)
      | (N extends { readonly default: undefined } ? undefined : never)
  : Widen<N>;

/** Like convict: a node is a setting unless it is a non-empty object without `default`. */
type IsSetting<N> = N extends { readonly default: unknown }
  ? true
  : N extends RegExp | AnyFunction | readonly unknown[]
    ? true
    : N extends object
      ? keyof N extends never
        ? true
        : false
      : true;

/** `[dotted key, value type]` pairs of a node's settings and groups, keys prefixed with `P`. */
type Entries<S, P extends string> =
  S extends ConfigSchema<infer M> ? (string extends keyof M ? LiteralEntries<S, P> : TypedEntries<M, P>) : LiteralEntries<S, P>;

type TypedEntries<M, P extends string> = { [K in keyof M & string]: readonly [`${P}${K}`, M[K]] }[keyof M & string];

/** A group with named children has a key of its own; one keyed by any string (`Record<string, ...>`) does not. */
type LiteralEntries<S, P extends string> = {
  [K in keyof S & string]: IsSetting<S[K]> extends true
    ? readonly [`${P}${K}`, SettingValue<S[K]>]
    : (string extends keyof S ? never : readonly [`${P}${K}`, GroupValue<S[K]>]) | Entries<S[K], `${P}${K}.`>;
}[keyof S & string];

type EntryKey<E> = E extends readonly [infer K extends string, unknown] ? K : never;
type EntryValue<E> = E extends readonly [string, infer V] ? V : never;
type FromEntries<E> = { [X in E as EntryKey<X>]: EntryValue<X> };

/** The value of a group: its settings and subgroups as one read-only object. */
type GroupValue<S> =
  S extends ConfigSchema<infer M>
    ? string extends keyof M
      ? LiteralGroupValue<S>
      : { readonly [K in keyof M as K extends `${string}.${string}` ? never : K]: M[K] }
    : LiteralGroupValue<S>;
type LiteralGroupValue<S> = {
  readonly [K in keyof S & string]: IsSetting<S[K]> extends true ? SettingValue<S[K]> : GroupValue<S[K]>;
};

/** An object type with no keys: the config of nothing. */
export type NoConfig = Record<never, never>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * The config a schema fragment (or a list of fragments, composed) declares: each dotted key, of settings and of groups,
 * mapped to the type of its value. A fragment typed only as {@link ConfigSchemaFragment} gives {@link UntypedConfig}.
 *
 * @example
 * ```ts
 * type Redis = ConfigOf<typeof redisConfigSchema>; // { 'redis.url': string; 'redis.keyPrefix': string; ... }
 * type App = ConfigOf<[typeof serverConfigSchema, typeof redisConfigSchema]>;
 * ```
 */
export type ConfigOf<S> = S extends readonly unknown[]
  ? S extends readonly []
    ? NoConfig
    : UnionToIntersection<{ [I in keyof S]: ConfigOf<S[I]> }[number]>
  : S extends ConfigSchema<infer M>
    ? string extends keyof M
      ? FromEntries<LiteralEntries<S, ''>>
      : M
    : FromEntries<LiteralEntries<S, ''>>;

/**
 * Declares a convict schema fragment and infers the type of every setting from it: from the format (`'port'`,
 * `String`, an enum such as `['json', 'pretty']`, a format function declared `(value: unknown): asserts value is T`),
 * else from the default (`default: [] as string[]`); `nullable: true` adds `null`. Returns the schema unchanged.
 *
 * @example
 * ```ts
 * export const cacheConfigSchema = defineConfigSchema({
 *   cache: {
 *     ttlMs: { doc: 'How long an entry lives.', format: 'duration-ms', default: 60_000, env: 'CACHE_TTL_MS' },
 *     mode: { doc: 'Where entries live.', format: ['memory', 'redis'], default: 'memory', env: 'CACHE_MODE' },
 *     hosts: { doc: 'Cache hosts.', format: Array, default: [] as string[], env: 'CACHE_HOSTS' },
 *   },
 * });
 * // ConfigOf<typeof cacheConfigSchema>: { 'cache.ttlMs': number; 'cache.mode': 'memory' | 'redis'; 'cache.hosts': readonly string[]; cache: {...} }
 * ```
 */
export function defineConfigSchema<const S extends ConfigSchemaFragment>(
  schema: S,
): ConfigSchema<{ [X in LiteralEntries<S, ''> as EntryKey<X>]: EntryValue<X> }> {
  // The brand is a type only: the schema object is returned as it is.
  return schema as never;
}

/**
 * Read access to an app's validated configuration, typed by the config it reads (a {@link ConfigOf} map): a key no
 * schema declares does not compile, and each value has its setting's type. `ConfigReader` without a type argument
 * reads any key as `unknown` (for keys only known at run time); a typed reader can be passed where it is expected.
 *
 * @example
 * ```ts
 * function listenAddress(config: ConfigReader<ServerConfig>): string {
 *   return `${config.get('server.host')}:${config.get('server.port')}`; // string and number, no casts
 * }
 * ```
 */
export interface ConfigReader<M = UntypedConfig> {
  /** A value by its dotted key, e.g. `server.port`, or a group's values (`server`). Throws for a key no schema declares. */
  get<K extends keyof M & string>(key: K): M[K];
  /** True when the key is declared and its value is neither `null` nor `undefined`. */
  has(key: keyof M & string): boolean;
}
