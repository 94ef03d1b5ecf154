import type { Container } from 'inversify';
import { RampartError } from './errors.js';
import type { Interceptor, InterceptorDeclaration } from './interceptor.js';
import type { Logger } from './logger.js';

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

/** Read access to the app's validated configuration. */
export interface ConfigReader {
  /** A value by its dotted key, e.g. `server.port`. Throws for a key no schema declares. */
  get<T = unknown>(key: string): T;
  has(key: string): boolean;
}

/** A convict schema fragment (see `@rampart/config`). */
export type ConfigSchemaFragment = Record<string, unknown>;

/** What a plugin's `register` step may do. */
export interface PluginContext {
  /** The app's name. */
  readonly appName: string;
  /** The app's container: bind, rebind or unbind anything, including pipeline stages. */
  readonly container: Container;
  readonly config: ConfigReader;
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

/**
 * A plugin: a typed object with a name, the names of the plugins it needs, an optional config schema, the
 * interceptors it adds, and a `register` step. Dependencies are checked before any plugin registers; plugins
 * register after their dependencies, otherwise in the order given. Everything but `register` is read by planning
 * (`planApp`), which runs no plugin code with side effects: keep `configSchema` and `interceptors` plain data.
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
export interface RampartPlugin {
  readonly name: string;
  readonly dependencies?: readonly string[];
  /** Config keys this plugin adds to the app's schema. */
  readonly configSchema?: ConfigSchemaFragment;
  /**
   * The interceptors `register` adds with `ctx.addInterceptor`, in order: declared here so the app's interceptor
   * plan is known without registering. `register` must supply each of them, and no other, or start-up stops
   * (`ERR_PLUGIN_INVALID`).
   */
  readonly interceptors?: readonly InterceptorDeclaration[];
  register(ctx: PluginContext): void | Promise<void>;
}

/** Identity function that gives a plugin object its type. */
export function definePlugin<P extends RampartPlugin>(plugin: P): P {
  return plugin;
}

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
