import { mergeSchemas } from '@rampart/config/internal';
import type {
  AuthDecision,
  ConfigSchemaFragment,
  Interceptor,
  InterceptorDeclaration,
  MethodKind,
  PluginConfigSchema,
  RampartPlugin,
} from '@rampart/core';
import { orderPlugins } from '@rampart/core/internal';
import { serverConfigSchema } from './config-schema.js';
import { planMethods, type PlannedService, type ServiceClass } from './method-table.js';
import { loadProtos, type ProtoRegistry, type ProtoSource } from './proto-registry.js';
import { collectProblem, type StartupProblem } from './startup-problems.js';

/**
 * What {@link planApp} reads: the parts of `createApp`'s options that decide the app's shape. `P` is the list of
 * plugins, whose config schemas type the app's config (see `createApp`).
 */
export interface PlanAppOptions<P extends readonly RampartPlugin[] = readonly RampartPlugin[]> {
  readonly name: string;
  /** The service classes, each decorated with `@GrpcService`. */
  readonly services: readonly ServiceClass[];
  /** Where the `.proto` files are. */
  readonly protos: ProtoSource;
  readonly plugins?: P;
  /** Interceptors that run before the plugins' interceptors. */
  readonly interceptors?: readonly Interceptor[];
}

/** One row of the auth matrix: a method and what protects it. */
export interface AuthMatrixEntry {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly kind: MethodKind;
  readonly handler: string;
  readonly decisions: readonly AuthDecision[];
  /** The interceptors that run for this method, in order. */
  readonly interceptors: readonly string[];
}

/**
 * An app's plan: everything decided before any config is read or plugin code runs.
 *
 * @example
 * ```ts
 * const plan: AppPlan = planApp(inventoryAppOptions());
 * plan.interceptors.map((i) => i.name); // ['rampart-auth']
 * ```
 */
export interface AppPlan {
  readonly name: string;
  /** The plugins in registration order (dependencies first). */
  readonly plugins: readonly RampartPlugin[];
  /** Every interceptor in run order: the app's own, then each plugin's declared ones. */
  readonly interceptors: readonly InterceptorDeclaration[];
  /** The app's config schema: the server's composed with each plugin's declared `configSchema`. */
  readonly configSchema: ConfigSchemaFragment;
  /** Every reason the app would not start that planning can see, each naming the offender and the fix. */
  readonly problems: readonly StartupProblem[];
  /** Every method with its auth decisions and interceptors: the data of the start-up check. */
  authMatrix(): AuthMatrixEntry[];
}

/** The plan with what `createApp` goes on from (not public). */
export interface FullAppPlan extends AppPlan {
  /** The config schema fragments (the server's, then each plugin's), as `loadConfig` takes them. */
  readonly configSchemas: readonly [typeof serverConfigSchema, ...ConfigSchemaFragment[]];
  readonly protos: ProtoRegistry;
  /** The services bound to their protos, with each method's decisions and interceptors. */
  readonly services: readonly PlannedService[];
}

/**
 * Plans an app without side effects: orders the plugins, composes the config schema from their declared
 * `configSchema`, loads the protos, binds the service classes and decides each method's auth decisions and
 * interceptors (from the interceptors' declarations), collecting every start-up problem it finds. It reads no config
 * (environment or files), no certificate, runs no plugin code (`register`, `onInit`) and opens no socket: what
 * `createApp`, `app.authMatrix()` and `rampart routes` share.
 *
 * @throws RampartError for plugins that cannot be ordered (`ERR_PLUGIN_INVALID`, `ERR_PLUGIN_DEPENDENCY`) and protos
 * that cannot be loaded (`ERR_SERVICE_DEFINITION`).
 *
 * @example
 * ```ts
 * const plan = planApp({ name: 'inventory', services: [InventoryService], protos: { root }, plugins: [rampartAuth()] });
 * if (plan.problems.length > 0) logger.error({ problems: plan.problems.map((p) => p.text) }, 'the app would not start');
 * logger.info({ methods: plan.authMatrix().map((m) => ({ path: m.path, decisions: m.decisions.map((d) => d.kind) })) }, 'planned');
 * ```
 */
export function planApp(options: PlanAppOptions): AppPlan {
  return planFully(options);
}

/** {@link planApp}, with the parts `createApp` goes on from. */
export function planFully(options: PlanAppOptions): FullAppPlan {
  const plugins = orderPlugins(options.plugins ?? []);
  const problems: StartupProblem[] = [];
  const configSchemas = [serverConfigSchema, ...plugins.flatMap((p) => schemaList(p.configSchema))] as const;
  let configSchema: ConfigSchemaFragment = {};
  try {
    configSchema = mergeSchemas(configSchemas);
  } catch (error) {
    collectProblem(problems, error);
  }
  const interceptors: InterceptorDeclaration[] = [...(options.interceptors ?? []), ...plugins.flatMap((p) => p.interceptors ?? [])];
  const protos = loadProtos(options.protos);
  const services = planMethods(options.services, protos, interceptors, problems);
  return {
    name: options.name,
    plugins,
    interceptors,
    configSchemas,
    configSchema,
    protos,
    services,
    problems,
    authMatrix: () => authMatrixOf(services),
  };
}

/** A plugin's `configSchema` as a list: none, one fragment, or several. */
function schemaList(schema: PluginConfigSchema | undefined): readonly ConfigSchemaFragment[] {
  if (schema === undefined) return [];
  return isFragmentList(schema) ? schema : [schema];
}

const isFragmentList = (schema: PluginConfigSchema): schema is readonly ConfigSchemaFragment[] => Array.isArray(schema);

function authMatrixOf(services: readonly PlannedService[]): AuthMatrixEntry[] {
  return services.flatMap((service) =>
    [...service.methods.values()].map((planned) => ({
      service: planned.info.service,
      method: planned.info.name,
      path: planned.info.path,
      kind: planned.info.kind,
      handler: `${service.serviceClass.name}.${planned.info.handlerName}`,
      decisions: planned.decisions,
      interceptors: planned.interceptors,
    })),
  );
}
