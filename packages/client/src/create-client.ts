import {
  Client,
  type Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientDuplexStream,
  type ClientReadableStream,
} from '@grpc/grpc-js';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import { context, propagation, type Context } from '@opentelemetry/api';
import { RampartError, Status } from '@rampart/core';
import { createRpcTelemetry, type RpcCallTelemetry, type RpcTelemetry } from '@rampart/telemetry';
import type {
  ClientCallOptions,
  MethodDescriptor,
  RequestStream,
  ServiceClient,
  ServiceDescriptor,
  ServiceShape,
} from '@rampart/core';
import { isSecureChannel } from './channel-security.js';
import { callError } from './call-error.js';
import { IdentityEpochs, type Epoch } from './identity-epochs.js';
import { prepareCall } from './prepare-call.js';
import { serviceDefinitionOf } from './proto-definitions.js';
import { reportResponseMetadata } from './response-metadata.js';
import { ReplayableRequests, REFUSED_STREAM_ATTEMPTS, retryRefused, wasRefused } from './refused-streams.js';
import { identityChannelOf } from './tls/channel-identity.js';
import { checkRetrySettings, serviceConfig, type LoadBalancingPolicy, type MethodIdempotency, type RetrySettings } from './service-config.js';
import type { TokenSource } from './tokens/token-client.js';

/** Options of {@link createClient}. */
export interface CreateClientOptions {
  /** `host:port` (or any grpc-js target, e.g. `dns:///inventory.internal:443`). */
  readonly address: string;
  /** The folder the service's `.proto` file is relative to (loaded once per process and shared by its clients). */
  readonly protoRoot: string;
  /** More folders the `.proto` file's imports are looked up in (e.g. `VALIDATE_PROTO_DIR` of `@rampart/plugin-validate`). */
  readonly protoIncludeDirs?: readonly string[];
  /** Channel credentials; Rampart's transport layer builds mTLS ones. */
  readonly credentials: ChannelCredentials;
  readonly channelOptions?: ChannelOptions;
  /** Applied when a call sets no deadline, in milliseconds. */
  readonly defaultDeadlineMs?: number;
  /**
   * Attach a bearer token to every call: from client credentials for `audience`, or, for calls made with
   * `asCaller`, exchanged from the incoming call's token. Refused on a plaintext channel.
   */
  readonly tokens?: { readonly source: TokenSource; readonly audience: string };
  /** Subtracted from a parent call's remaining time when it becomes this call's deadline, in ms (default 50). */
  readonly deadlineMarginMs?: number;
  /**
   * How calls spread over the target's addresses: `round_robin` (every address of a headless Service or an
   * `ipv4:a,b` list) or `pick_first` (one connection). Default: grpc-js's own (`pick_first`).
   */
  readonly loadBalancingPolicy?: LoadBalancingPolicy;
  /**
   * Retry policy for the methods the proto marks `idempotency_level = IDEMPOTENT` or `NO_SIDE_EFFECTS` (and those
   * in `retry.methods`). Calls that never reached the server application are retried in any case (grpc-js
   * transparent retry; Rampart leaves `grpc.enable_retries` on).
   */
  readonly retry?: RetrySettings;
  /**
   * Where the calls' CLIENT spans and `rpc.client.call.duration` go (OpenTelemetry RPC semantic conventions).
   * Default: the global OpenTelemetry API (no-ops without an SDK).
   */
  readonly telemetry?: RpcTelemetry;
}

const underlying = new WeakMap<object, IdentityEpochs>();

/**
 * Creates a typed client: unary methods return promises, streaming methods take and return async iterables.
 * Failed calls reject (or throw from the iterator) with a `RampartError` (`status`, `code`, `message`, `metadata`,
 * `details`; `downstream` set, so a handler that lets it escape answers by the downstream rule). Each call is a
 * CLIENT span, a child of the active span, whose trace context is sent along.
 *
 * @example
 * ```ts
 * const inventory = createClient(InventoryServiceDescriptor, { address, protoRoot, credentials });
 * const level = await inventory.getStock({ sku: 'A-1' }, { deadline: 2_000 });
 * for await (const update of inventory.watchStock({ sku: 'A-1' })) levels.push(update.available);
 * ```
 */
export function createClient<S extends ServiceShape>(
  descriptor: ServiceDescriptor<S>,
  options: CreateClientOptions,
): ServiceClient<S> {
  if (options.tokens && !isSecureChannel(options.credentials)) {
    throw new RampartError(
      'ERR_INSECURE_TRANSPORT',
      `refusing to send bearer tokens for ${options.tokens.audience} over a plaintext channel to ${options.address}: use TLS credentials`,
    );
  }
  const definition = serviceDefinitionOf(descriptor, options.protoRoot, options.protoIncludeDirs);
  const channelOptions = channelOptionsOf(descriptor.typeName, definition, options);
  // A client that sends tokens over credentials whose certificate rotates keeps each token with the connections
  // that present its certificate (identity-epochs.ts); any other client has one generation for good.
  const epochs = new IdentityEpochs(
    (credentials) => new Client(options.address, credentials, channelOptions),
    options.credentials,
    options.tokens === undefined ? undefined : identityChannelOf(options.credentials),
  );
  const result: Record<string, unknown> = {};
  const telemetry = options.telemetry ?? createRpcTelemetry();
  for (const [localName, method] of Object.entries(descriptor.methods) as [string, MethodDescriptor][]) {
    const def = definition[method.name] as MethodDefinition<unknown, unknown> | undefined;
    if (!def) throw new RampartError('ERR_SERVICE_DEFINITION', `${descriptor.typeName} has no method ${method.name}`);
    const spans = telemetry.clientMethod(descriptor.typeName, method, options.address);
    result[localName] = methodOf(epochs, method, def, options, (callOptions) => spans.start(parentOf(callOptions)));
  }
  underlying.set(result, epochs);
  return result as ServiceClient<S>;
}

/**
 * The channel options of a client: retries on (transparent retries of calls that never reached a server), and,
 * when a balancing or retry policy is given, the service config that carries them; a service config from DNS TXT
 * records is then ignored, so DNS cannot change how a client balances or retries. The caller's own
 * `channelOptions` come last and win.
 */
function channelOptionsOf(service: string, definition: ServiceDefinition, options: CreateClientOptions): ChannelOptions {
  const methods: MethodIdempotency[] = Object.entries(definition).map(([name, def]) => ({
    name,
    idempotencyLevel: (def.options as { idempotency_level?: string } | undefined)?.idempotency_level,
  }));
  if (options.retry !== undefined) checkRetrySettings(options.retry, methods, 'retry');
  const policy = {
    ...(options.loadBalancingPolicy !== undefined ? { loadBalancingPolicy: options.loadBalancingPolicy } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
  };
  return {
    'grpc.enable_retries': 1,
    ...(Object.keys(policy).length > 0
      ? { 'grpc.service_config': serviceConfig(service, methods, policy), 'grpc.service_config_disable_resolution': 1 }
      : {}),
    ...options.channelOptions,
  };
}

/** Closes a client made by {@link createClient}; calls in flight are cancelled. */
export function closeClient(client: object): void {
  underlying.get(client)?.close();
}

function methodOf(
  epochs: IdentityEpochs,
  method: MethodDescriptor,
  def: MethodDefinition<unknown, unknown>,
  clientOptions: CreateClientOptions,
  startSpan: (options: ClientCallOptions | undefined) => RpcCallTelemetry,
): unknown {
  const serialize = def.requestSerialize;
  const deserialize = def.responseDeserialize;
  /**
   * The call's generation of connections, and its metadata and options with a token bound to their certificate and
   * the trace context of the call's span. The token request runs with that span active (its HTTP span, if traced, is
   * the call's child). Ends the span when it fails.
   */
  const prepare = async (
    span: RpcCallTelemetry,
    options: ClientCallOptions = {},
  ): Promise<{ epoch: Epoch; metadata: Metadata; callOptions: CallOptions }> => {
    const epoch = epochs.acquire();
    try {
      return { epoch, ...(await context.with(span.context, () => prepareCall(options, clientOptions, epoch.identity, span.context))) };
    } catch (error) {
      epochs.release(epoch);
      endSpan(span, error);
      throw error;
    }
  };
  const cancelOnAbort = (signal: AbortSignal | undefined, call: { cancel(): void }): void => {
    if (!signal) return;
    if (signal.aborted) call.cancel();
    else signal.addEventListener('abort', () => call.cancel(), { once: true });
  };

  // A call a server refused unprocessed is sent again (refused-streams.ts), with the same metadata and deadline.
  switch (method.kind) {
    case 'unary':
      return async (request: unknown, options?: ClientCallOptions) => {
        const span = startSpan(options);
        const { epoch, metadata, callOptions } = await prepare(span, options);
        try {
          const response = await retryRefused(
            () =>
              new Promise((resolve, reject) => {
                const call = epoch.client.makeUnaryRequest(method.path, serialize, deserialize, request, metadata.clone(), callOptions, (error, response) =>
                  error ? reject(callError(error)) : resolve(response),
                );
                reportResponseMetadata(call, options);
                cancelOnAbort(options?.signal, call);
              }),
            options?.signal,
          );
          span.end(Status.OK);
          return response;
        } catch (error) {
          endSpan(span, error);
          throw error;
        } finally {
          epochs.release(epoch);
        }
      };
    case 'serverStream':
      return (request: unknown, options?: ClientCallOptions) =>
        lazyIterable(() => startSpan(options), async (span) => {
          const { epoch, metadata, callOptions } = await prepare(span, options);
          const start = () => {
            const call = epoch.client.makeServerStreamRequest(method.path, serialize, deserialize, request, metadata.clone(), callOptions);
            reportResponseMetadata(call, options);
            cancelOnAbort(options?.signal, call);
            return call;
          };
          return { start, end: () => epochs.release(epoch) };
        }, options?.signal);
    case 'clientStream':
      return async (requests: RequestStream<unknown>, options?: ClientCallOptions) => {
        const span = startSpan(options);
        const { epoch, metadata, callOptions } = await prepare(span, options);
        const replay = new ReplayableRequests(requests);
        const attempt = () =>
          new Promise((resolve, reject) => {
            const call = epoch.client.makeClientStreamRequest(method.path, serialize, deserialize, metadata.clone(), callOptions, (error, response) =>
              error ? reject(callError(error)) : resolve(response),
            );
            call.once('metadata', () => replay.commit());
            reportResponseMetadata(call, options);
            cancelOnAbort(options?.signal, call);
            replay.writeTo(call).catch(() => call.cancel());
          });
        try {
          const response = await retryRefused(attempt, options?.signal, () => replay.replayable);
          span.end(Status.OK);
          return response;
        } catch (error) {
          endSpan(span, error);
          throw error;
        } finally {
          epochs.release(epoch);
        }
      };
    case 'bidi':
      return (requests: RequestStream<unknown>, options?: ClientCallOptions) => {
        const replay = new ReplayableRequests(requests);
        return lazyIterable(
          () => startSpan(options),
          async (span) => {
            const { epoch, metadata, callOptions } = await prepare(span, options);
            const start = () => {
              const call = epoch.client.makeBidiStreamRequest(method.path, serialize, deserialize, metadata.clone(), callOptions);
              call.once('metadata', () => replay.commit());
              reportResponseMetadata(call, options);
              cancelOnAbort(options?.signal, call);
              replay.writeTo(call).catch(() => call.cancel());
              return call;
            };
            return { start, end: () => epochs.release(epoch) };
          },
          options?.signal,
          () => replay.replayable,
        );
      };
  }
}

/**
 * The parent of a call's span: the active context, or the trace context the caller put in the call's metadata
 * (`traceparent`, `baggage`: a proxy forwarding a trace), which then wins.
 */
function parentOf(options: ClientCallOptions | undefined): Context {
  const metadata = options?.metadata;
  return metadata === undefined ? context.active() : propagation.extract(context.active(), metadata);
}

/** Ends a call's span with the status of the error it failed with. */
function endSpan(span: RpcCallTelemetry, error: unknown): void {
  span.end(RampartError.is(error) ? error.status : Status.UNKNOWN, error);
}

/**
 * An async iterable that starts the call (and its span) when iteration starts and cancels it when iteration stops
 * early (the span then ends CANCELLED). A call refused unprocessed before any answer is started again (`replayable`:
 * its requests can still be sent again).
 */
function lazyIterable(
  startSpan: () => RpcCallTelemetry,
  prepare: (span: RpcCallTelemetry) => Promise<{ start: () => ClientReadableStream<unknown> | ClientDuplexStream<unknown, unknown>; end: () => void }>,
  signal: AbortSignal | undefined,
  replayable: () => boolean = () => true,
): AsyncIterable<unknown> {
  return {
    async *[Symbol.asyncIterator]() {
      const span = startSpan();
      const { start, end } = await prepare(span);
      let status: number = Status.CANCELLED;
      let failure: unknown;
      try {
        for (let attempt = 1; ; attempt += 1) {
          const call = start();
          let done = false;
          let answered = false;
          try {
            for await (const message of call) {
              answered = true;
              yield message;
            }
            done = true;
            status = Status.OK;
            return;
          } catch (error) {
            done = true;
            const again = !answered && replayable() && attempt < REFUSED_STREAM_ATTEMPTS && wasRefused(error) && signal?.aborted !== true;
            if (!again) {
              const thrown = callError(error);
              [failure, status] = [thrown, thrown.status];
              throw thrown;
            }
          } finally {
            if (!done) call.cancel();
          }
        }
      } finally {
        end();
        span.end(status, failure);
      }
    },
  };
}
