import 'reflect-metadata';
import type { Server, UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadConfig, type LoadedConfig } from '@rampart/config';
import { RampartError, TOKENS, type CallContext, type ConfigOfPlugins, type Logger, type RampartPlugin } from '@rampart/core';
import { createLogger, createRpcTelemetry, type RpcTelemetry } from '@rampart/telemetry';
import { Container } from 'inversify';
import { AccessLog } from './access-log.js';
import { CallRunner } from './call-runner.js';
import type { ServerConfig } from './config-schema.js';
import type { CallState } from './call-state.js';
import { createServerTransport } from './credentials.js';
import type { ServerTransport, TransportReload } from './tls/server-transport.js';
import { followTransportHealth } from './tls/transport-health.js';
import { hostPort } from './address.js';
import { adaptHandler } from './handlers.js';
import { HealthReporter } from './health.js';
import { healthPortSettings, listenHealthPort, type HealthPort } from './health-port.js';
import { InFlightCalls } from './in-flight.js';
import { Lifecycle } from './lifecycle.js';
import { addInProcessMethods, registerInProcess, type InProcessMethod } from './in-process.js';
import { InterceptorSlots } from './interceptor-slots.js';
import { buildRuntime, type ServiceBinding } from './method-runtime.js';
import { planFully, type AuthMatrixEntry, type FullAppPlan, type PlanAppOptions } from './plan-app.js';
import { StartupPhases } from './startup-phases.js';
import { flushCompileCacheSoon } from './compile-cache.js';
import { startupRefusal } from './startup-problems.js';
import { addReflection, reflectionAccessFromConfig } from './reflection-access.js';
import { createGrpcServer } from './server-options.js';
import { shutDown } from './shutdown.js';
import { reloadApp } from './reload.js';
import { onReloadSignal, onShutdownSignals } from './signals.js';
import { PeerIdentityCache } from './tls/peer-cache.js';

/**
 * Options of {@link createApp}: those of `planApp` (name, services resolved from the container, protos, plugins,
 * interceptors that run before the plugins' ones), and how to run it.
 */
export interface CreateAppOptions<P extends readonly RampartPlugin[] = readonly RampartPlugin[]> extends PlanAppOptions<P> {
  /** Config sources: files (default: `RAMPART_CONFIG`), values set in code (below files and env), the environment. */
  readonly config?: {
    readonly files?: readonly string[];
    readonly values?: Record<string, unknown>;
    readonly env?: Readonly<Record<string, string | undefined>>;
  };
  /** A container to use (e.g. one with your repositories bound); default: a new one. */
  readonly container?: Container;
  /** Default: a pino logger with Rampart's redaction, at `log.level`. */
  readonly logger?: Logger;
  /** Default: spans and metrics through the global OpenTelemetry API (no-ops without an SDK). */
  readonly telemetry?: RpcTelemetry;
  /** Shut down gracefully on SIGTERM and SIGINT, and re-read the TLS files on SIGHUP (`reload()`), while listening (default true). */
  readonly handleSignals?: boolean;
  /** Replaces the file-based TLS transport (`transport.tls.*`) with one of your own. */
  readonly secureTransport?: (config: LoadedConfig<ServerConfig>, logger: Logger) => ServerTransport;
}

/** Where the app listens. */
export interface ListenResult {
  readonly host: string;
  readonly port: number;
  /** `host:port`, ready for a client. */
  readonly address: string;
  readonly secure: boolean;
  /** The plaintext health port (`server.healthPort`), when there is one. */
  readonly health?: { readonly host: string; readonly port: number; readonly address: string };
}

/** Options of {@link RampartApp.close}. */
export interface CloseOptions {
  /** How long in-flight calls may run after GOAWAY; default `server.shutdownGraceMs`. */
  readonly graceMs?: number;
  /** How long calls are still served after NOT_SERVING; default `server.drainDelayMs`. */
  readonly drainDelayMs?: number;
}

/** The life stages of an app. */
export type AppState = 'created' | 'starting' | 'listening' | 'closing' | 'closed';

/**
 * The config of an app with the plugins `P`: the server's keys and each plugin's (see `definePlugin`).
 *
 * @example
 * ```ts
 * type InventoryConfig = AppConfig<[ReturnType<typeof rampartAuth>, ReturnType<typeof rampartRedis>]>;
 * ```
 */
export type AppConfig<P extends readonly unknown[] = readonly []> = ServerConfig & ConfigOfPlugins<P>;

/** A Rampart app: created, then `listen()`, then `close()` (or a signal). `M` is its config (see {@link AppConfig}). */
export interface RampartApp<M = ServerConfig> {
  readonly name: string;
  readonly container: Container;
  /** The validated config, typed by the server's schema and the plugins': `app.config.get('server.port')` is a number. */
  readonly config: LoadedConfig<M>;
  readonly logger: Logger;
  readonly state: AppState;
  /** Binds the health port (if `server.healthPort` is set) and the service port, waits for credentials, then reports SERVING. */
  listen(): Promise<ListenResult>;
  /**
   * Reports NOT_SERVING, keeps serving for `drainDelayMs` (default `server.drainDelayMs`), then accepts no new calls
   * (GOAWAY), lets in-flight ones finish for up to `graceMs` (default `server.shutdownGraceMs`), then cancels the
   * rest; the health port closes last. SIGTERM and SIGINT do the same.
   */
  close(options?: CloseOptions): Promise<void>;
  /**
   * Re-reads the TLS certificate, key and trust bundles now and runs the plugins' `onReload` hooks (the clients of
   * `rampartClients` re-read theirs): what SIGHUP does. A changed, usable set serves new connections; an unusable one
   * is refused (logged) and the previous one stays. Resolves with what each file set did; `{}` before `listen()`.
   */
  reload(trigger?: string): Promise<TransportReload>;
  /** `host:port` of the plaintext health port once listening; undefined when there is none. */
  healthAddress(): string | undefined;
  /** Every method with its auth decisions: the data of the start-up check. */
  authMatrix(): AuthMatrixEntry[];
}

/**
 * Creates a Rampart app: plans it (`planApp`: the method table, auth decisions and interceptors, refusing to start
 * with every problem listed, e.g. a method without an auth decision), then loads config, registers the plugins and
 * builds each method's hooks.
 *
 * The app's config is typed by the server's schema and its plugins' (`AppConfig<P>`).
 *
 * @example
 * ```ts
 * const app = await createApp({ name: 'inventory', services: [InventoryService], protos: { root: protoRoot }, plugins: [rampartAuth()] });
 * await app.listen();
 * app.config.get('auth.tokens.audience'); // a string: rampartAuth() declares it
 * ```
 */
export async function createApp<const P extends readonly RampartPlugin[] = readonly []>(
  options: CreateAppOptions<P>,
): Promise<RampartApp<AppConfig<P>>> {
  const phases = new StartupPhases();
  const plan = planFully(options);
  if (plan.problems.length > 0) throw startupRefusal(plan.problems);
  phases.end('protos'); // planning: plugins ordered, protos loaded, decorators read
  const env = options.config?.env ?? process.env;
  const config = loadConfig({
    schemas: plan.configSchemas,
    env,
    ...(options.config?.files ? { files: options.config.files } : {}),
    ...(options.config?.values ? { values: options.config.values } : {}),
  });
  const logger =
    options.logger ??
    createLogger({ name: options.name, level: config.get('log.level'), format: config.get('log.format') });
  const container = options.container ?? new Container();
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.AppName).toConstantValue(options.name);
  phases.end('config');

  const interceptors = new InterceptorSlots(plan, options.interceptors ?? []);
  const lifecycle = new Lifecycle();
  try {
    // The plugins' configs are in `config`: `plan.configSchemas` lists each plugin's `configSchema`, the schema its
    // config type is inferred from (`definePlugin`), so the app may be typed by them.
    return (await build(options, plan, config, logger, container, interceptors, lifecycle, env, phases)) as RampartApp<AppConfig<P>>;
  } catch (error) {
    // Plugins that registered may hold resources (connections, SDK globals): let them release them.
    await lifecycle.run('onClose', logger);
    throw error;
  }
}

async function build(
  options: CreateAppOptions,
  plan: FullAppPlan,
  config: LoadedConfig<ServerConfig>,
  logger: Logger,
  container: Container,
  interceptors: InterceptorSlots,
  lifecycle: Lifecycle,
  env: Readonly<Record<string, string | undefined>>,
  phases: StartupPhases,
): Promise<RampartApp> {
  for (const plugin of plan.plugins) {
    await plugin.register({
      appName: options.name,
      container,
      config,
      logger: logger.child({ plugin: plugin.name }),
      addInterceptor: interceptors.supplier(plugin),
      on: (event, hook) => lifecycle.on(event, plugin.name, hook),
    });
  }

  phases.end('plugins');
  const bindings = buildRuntime(plan.services, interceptors.complete());
  const inFlight = new InFlightCalls<CallState>();
  const peers = new PeerIdentityCache();
  const accessLog = AccessLog.from(config, logger);
  const runner = new CallRunner({ inFlight, logger, telemetry: options.telemetry ?? createRpcTelemetry(), peers, accessLog });

  // No grpc-js server interceptor: Rampart's hooks run inside each method's handler, before the handler (ADR 0007).
  const server = createGrpcServer(config);
  const inProcess = new Map<string, InProcessMethod>();
  healthPortSettings(config); // a bad health port stops start-up here, before anything listens
  for (const binding of bindings) {
    if (!container.isBound(binding.serviceClass)) container.bind(binding.serviceClass).toSelf().inSingletonScope();
    const instance = container.get(binding.serviceClass) as Record<string, unknown>;
    const implementation = implementationOf(binding, instance, runner);
    server.addService(binding.definition, implementation);
    addInProcessMethods(inProcess, binding, implementation);
  }
  const health = new HealthReporter(bindings.map((b) => b.typeName));
  health.addTo(server);
  if (config.get('server.reflection')) {
    const access = reflectionAccessFromConfig(config);
    addReflection(server, plan.protos.packageDefinition, bindings.map((b) => b.typeName), access, peers, logger);
  }
  phases.end('services'); // DI: service instances, method handlers, health, reflection
  await lifecycle.run('onInit', logger);
  phases.end('onInit');

  const app = new App(options, plan, config, logger, container, server, bindings, health, lifecycle, inFlight, peers, env, phases);
  registerInProcess(app, inProcess, () => app.state === 'created' || app.state === 'listening');
  return app;
}

function implementationOf(
  binding: ServiceBinding,
  instance: Record<string, unknown>,
  runner: CallRunner,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const [key, runtime] of binding.methods) {
    const fn = instance[runtime.info.handlerName];
    if (typeof fn !== 'function') {
      throw new RampartError('ERR_SERVICE_DEFINITION', `${binding.serviceClass.name}.${runtime.info.handlerName} is not a function`);
    }
    const handler = (fn as (input: unknown, ctx: CallContext) => unknown).bind(instance);
    implementation[key] = adaptHandler(runtime, handler, runner);
  }
  return implementation;
}

class App implements RampartApp {
  state: AppState = 'created';
  readonly name: string;
  #transport: ServerTransport | undefined;
  #removeSignals: (() => void) | undefined;
  #stopHealth: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  #healthPort: HealthPort | undefined;

  constructor(
    private readonly options: CreateAppOptions,
    private readonly plan: FullAppPlan,
    readonly config: LoadedConfig<ServerConfig>,
    readonly logger: Logger,
    readonly container: Container,
    private readonly server: Server,
    private readonly bindings: readonly ServiceBinding[],
    private readonly health: HealthReporter,
    private readonly lifecycle: Lifecycle,
    private readonly inFlight: InFlightCalls<CallState>,
    private readonly peers: PeerIdentityCache,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly phases: StartupPhases,
  ) {
    this.name = options.name;
  }

  async listen(): Promise<ListenResult> {
    if (this.state !== 'created') throw new RampartError('ERR_APP_STATE', `cannot listen: the app is ${this.state}`);
    this.state = 'starting';
    try {
      const secure = this.options.secureTransport;
      this.#transport = createServerTransport(
        this.config,
        this.logger,
        this.env,
        secure ? () => secure(this.config, this.logger) : undefined,
      );
      this.peers.useTrustBundles(this.#transport.trustBundles);
      if (this.#transport.secure && this.#transport.trustBundles === undefined) {
        this.logger.warn(
          { setting: 'secureTransport' },
          'the secure transport gives no trustBundles: client certificates are not checked against the bundle of their own trust domain, so any CA it trusts can vouch for any SPIFFE ID',
        );
      }
      // The health port first: probes get NOT_SERVING (not a refused connection) until the app is ready.
      const healthSettings = healthPortSettings(this.config);
      if (healthSettings) this.#healthPort = await listenHealthPort(healthSettings, this.config, this.health, this.logger);
      const host = this.config.get('server.host');
      const requested = this.config.get('server.port');
      const port = await new Promise<number>((resolve, reject) => {
        this.server.bindAsync(hostPort(host, requested), (this.#transport as ServerTransport).credentials, (error, bound) =>
          error ? reject(error) : resolve(bound),
        );
      });
      await this.#transport.ready;
      this.health.setAll('SERVING');
      this.phases.log(this.logger, 'listen', this.name);
      flushCompileCacheSoon();
      this.state = 'listening';
      this.#stopHealth = followTransportHealth(this.#transport, this.health, this.logger, () => this.state === 'listening');
      await this.lifecycle.run('onReady', this.logger);
      if (this.options.handleSignals !== false) this.#installSignalHandlers();
      const address = hostPort(host, port);
      const healthPort = this.#healthPort;
      this.logger.info(
        { address, secure: this.#transport.secure, healthAddress: healthPort?.address, services: this.bindings.map((b) => b.typeName) },
        `${this.name} listening`,
      );
      return {
        host,
        port,
        address,
        secure: this.#transport.secure,
        ...(healthPort ? { health: { host: healthPort.host, port: healthPort.port, address: healthPort.address } } : {}),
      };
    } catch (error) {
      // A server that failed to start cannot be started again (grpc-js is shut down): close it for good, so that
      // plugins release what they hold (connections, timers) and the process can exit.
      this.state = 'closed';
      this.health.setAll('NOT_SERVING');
      this.#transport?.close();
      this.server.forceShutdown();
      this.#healthPort?.server.forceShutdown();
      this.#removeSignalHandlers();
      await this.lifecycle.run('onClose', this.logger);
      throw error;
    }
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.state === 'closed' && this.#closing === undefined) return Promise.resolve(); // a failed listen() closed it
    const wasListening = this.state === 'listening';
    this.#closing ??= this.#close(
      options.graceMs ?? this.config.get('server.shutdownGraceMs'),
      // Nothing to drain from endpoints before the app ever listened.
      wasListening ? (options.drainDelayMs ?? this.config.get('server.drainDelayMs')) : 0,
    );
    return this.#closing;
  }

  healthAddress(): string | undefined {
    return this.#healthPort?.address;
  }

  reload(trigger = 'reload()'): Promise<TransportReload> {
    return reloadApp({ transport: this.#transport, lifecycle: this.lifecycle, logger: this.logger }, trigger);
  }

  async #close(graceMs: number, drainDelayMs: number): Promise<void> {
    this.state = 'closing';
    const started = performance.now();
    await shutDown({
      name: this.name,
      logger: this.logger,
      server: this.server,
      healthServer: this.#healthPort?.server,
      health: this.health,
      inFlight: this.inFlight,
      lifecycle: this.lifecycle,
      drainDelayMs,
      graceMs,
      closeTransport: () => {
        this.#stopHealth?.();
        this.#transport?.close();
      },
    });
    this.#removeSignalHandlers();
    await this.lifecycle.run('onClose', this.logger);
    this.state = 'closed';
    this.logger.info({ step: 'stopped', atMs: Math.round(performance.now() - started) }, `${this.name} stopped`);
  }

  authMatrix(): AuthMatrixEntry[] {
    return this.plan.authMatrix();
  }

  #installSignalHandlers(): void {
    const removeShutdown = onShutdownSignals(
      this.logger,
      () => this.close(),
      () => {
        this.server.forceShutdown();
        this.#healthPort?.server.forceShutdown();
      },
    );
    const removeReload = onReloadSignal((signal) => void this.reload(signal));
    this.#removeSignals = () => {
      removeShutdown();
      removeReload();
    };
  }

  #removeSignalHandlers(): void {
    this.#removeSignals?.();
    this.#removeSignals = undefined;
  }
}
