import type { Container } from 'inversify';
import { RampartError } from './errors.js';
import type { Interceptor, InterceptorDeclaration } from './interceptor.js';
import type { Logger } from './logger.js';
import type { ConfigOf, ConfigReader, ConfigSchemaFragment, NoConfig, UntypedConfig } from './config-schema.js';

/**
 * The named moments of an app's life a plugin can hook, in the order they happen:
 * - `onInit`: after every plugin registered and services were resolved; before the port is bound.
 * - `onReady`: the port is bound, credentials are loaded, health reports SERVING.
 * - `onShutdown`: shutdown began; health reports NOT_SERVING, in-flight calls are draining.
 * - `onClose`: the server has stopped; release connections and timers here.
 * - `onReload`: any time while serving, on SIGHUP or `app.reload()`: re-read certificates, keys and trust bundles now
 *   (the app has re-read its own TLS files just before).
 */
export type LifecycleEvent = 'onInit' | 'onReady' | 'onShutdown' | 'onClose' | 'onReload';

/** A lifecycle hook. Hooks of one event run one after another, in plugin order (`onShutdown`/`onClose` reversed). */
export type LifecycleHook = () => void | Promise<void>;

/** What a plugin's `register` step may do. `M` is the config the plugin reads: its `configSchema`'s (see `definePlugin`). */
export interface PluginContext<M = UntypedConfig> {
  /** The app's name. */
  readonly appName: string;
  /** The app's container: bind, rebind or unbind anything, including pipeline stages. */
  readonly container: Container;
  /** The app's validated config, typed by the plugin's `configSchema`. */
  readonly config: ConfigReader<M>;
  /** A logger bound to the plugin's name. */
  readonly logger: Logger;
  /**
   * Supplies one of the interceptors the plugin declared in `interceptors` (same name). It runs at the place its
   * declaration has: after the app's own interceptors and those of the plugins registered before.
   */
  addInterceptor(interceptor: Interceptor): void;
  /** Runs `hook` at a lifecycle event. */
  on(event: LifecycleEvent, hook: LifecycleHook): void;
}

/** A plugin's config schema: one fragment, or several (e.g. its own and the one of another package whose keys it reads). */
export type PluginConfigSchema = ConfigSchemaFragment | readonly ConfigSchemaFragment[];

declare const pluginConfig: unique symbol;

/**
 * A plugin: a typed object with a name, the names of the plugins it needs, an optional config schema, the
 * interceptors it adds, and a `register` step. Dependencies are checked before any plugin registers; plugins
 * register after their dependencies, otherwise in the order given. Everything but `register` is read by planning
 * (`planApp`), which runs no plugin code with side effects: keep `configSchema` and `interceptors` plain data.
 * `M` is the config the plugin reads (see {@link definePlugin}); an app's config type composes its plugins' ones.
 *
 * @example
 * ```ts
 * export const auditToSiem = definePlugin({
 *   name: 'audit-siem',
 *   dependencies: ['rampart-auth'],
 *   register(ctx) { ctx.on('onClose', () => sink.flush()); },
 * });
 * ```
 */
export interface RampartPlugin<M = UntypedConfig> {
  /** Types only: the config the plugin reads, never present at run time. */
  readonly [pluginConfig]?: M;
  readonly name: string;
  readonly dependencies?: readonly string[];
  /**
   * Config keys this plugin adds to the app's schema: a fragment, or a list of fragments (a key declared in several
   * with the same definition counts once, so a plugin may list another package's fragment whose keys it reads).
   */
  readonly configSchema?: PluginConfigSchema;
  /**
   * The interceptors `register` adds with `ctx.addInterceptor`, in order: declared here so the app's interceptor
   * plan is known without registering. `register` must supply each of them, and no other, or start-up stops
   * (`ERR_PLUGIN_INVALID`).
   */
  readonly interceptors?: readonly InterceptorDeclaration[];
  register(ctx: PluginContext<M>): void | Promise<void>;
}

/** What {@link definePlugin} takes: a plugin whose `register` reads the config its `configSchema` declares. */
export interface PluginDefinition<S extends PluginConfigSchema> {
  /** See {@link RampartPlugin.name}. */
  readonly name: string;
  /** See {@link RampartPlugin.dependencies}. */
  readonly dependencies?: readonly string[];
  /** The plugin's config schema (one fragment or a list): it types `ctx.config` in `register`. */
  readonly configSchema?: S;
  /** See {@link RampartPlugin.interceptors}. */
  readonly interceptors?: readonly InterceptorDeclaration[];
  /** Registers the plugin, reading the config its `configSchema` declares. */
  register(ctx: PluginContext<ConfigOf<S>>): void | Promise<void>;
}

/**
 * Gives a plugin object its type, with `ctx.config` typed by its `configSchema` (written inline, made with
 * `defineConfigSchema`, or a list of them): reading a key the schema does not declare does not compile.
 *
 * @example
 * ```ts
 * const tenants = definePlugin({
 *   name: 'tenants',
 *   configSchema: { tenant: { header: { doc: 'Metadata key of the tenant.', format: 'non-empty-string', default: 'x-tenant', env: 'TENANT_HEADER' } } },
 *   register({ config, container }) {
 *     container.bind(TENANT_HEADER).toConstantValue(config.get('tenant.header')); // a string
 *   },
 * });
 * ```
 */
export function definePlugin<const S extends PluginConfigSchema = readonly []>(plugin: PluginDefinition<S>): RampartPlugin<ConfigOf<S>> {
  return plugin;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type KnownConfig<M> = unknown extends M ? NoConfig : string extends keyof M ? NoConfig : M;

/**
 * The config a list of plugins reads, composed (plugins typed without a schema add nothing).
 *
 * @example
 * ```ts
 * type AppConfig = ServerConfig & ConfigOfPlugins<[ReturnType<typeof rampartAuth>]>;
 * ```
 */
export type ConfigOfPlugins<P extends readonly unknown[]> = P extends readonly []
  ? NoConfig
  : UnionToIntersection<{ [I in keyof P]: P[I] extends { readonly [pluginConfig]?: infer M } ? KnownConfig<M> : NoConfig }[number]>;

/**
 * Validates plugins and returns them in registration order: names must be unique and non-empty, every dependency
 * must be present, and dependencies must not form a cycle. Errors name the plugin and what it is missing.
 *
 * @example
 * ```ts
 * orderPlugins([otel, redis]); // throws ERR_PLUGIN_DEPENDENCY if redis depends on something absent
 * ```
 */
export function orderPlugins(plugins: readonly RampartPlugin[]): RampartPlugin[] {
  const byName = new Map<string, RampartPlugin>();
  for (const plugin of plugins) {
    if (typeof plugin?.name !== 'string' || plugin.name.trim() === '' || typeof plugin.register !== 'function') {
      throw new RampartError('ERR_PLUGIN_INVALID', 'a plugin needs a non-empty `name` and a `register` function');
    }
    if (byName.has(plugin.name)) {
      throw new RampartError('ERR_PLUGIN_INVALID', `plugin "${plugin.name}" is registered twice`);
    }
    byName.set(plugin.name, plugin);
  }
  for (const plugin of plugins) {
    const missing = (plugin.dependencies ?? []).filter((dep) => !byName.has(dep));
    if (missing.length > 0) {
      throw new RampartError(
        'ERR_PLUGIN_DEPENDENCY',
        `plugin "${plugin.name}" depends on ${missing.map((m) => `"${m}"`).join(', ')}, which ${
          missing.length === 1 ? 'is' : 'are'
        } not registered: add ${missing.length === 1 ? 'it' : 'them'} to \`plugins\``,
      );
    }
  }
  const ordered: RampartPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (plugin: RampartPlugin, path: string[]): void => {
    const seen = state.get(plugin.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new RampartError(
        'ERR_PLUGIN_DEPENDENCY',
        `plugin dependencies form a cycle: ${[...path, plugin.name].join(' -> ')}`,
      );
    }
    state.set(plugin.name, 'visiting');
    for (const dep of plugin.dependencies ?? []) visit(byName.get(dep) as RampartPlugin, [...path, plugin.name]);
    state.set(plugin.name, 'done');
    ordered.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);
  return ordered;
}
