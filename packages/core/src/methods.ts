import type { CallContext } from './context.js';
import type { MethodDescriptor, MethodKind } from './method-info.js';

/**
 * The message types of one RPC, as generated from the `.proto`: `Req`/`Res` are the shapes a sender may build
 * (optional fields), `ReqOut`/`ResOut` the shapes a receiver gets (defaults filled in).
 */
export interface MethodShape<
  K extends MethodKind = MethodKind,
  Req = unknown,
  ReqOut = unknown,
  Res = unknown,
  ResOut = unknown,
> {
  readonly kind: K;
  readonly request: Req;
  readonly requestOut: ReqOut;
  readonly response: Res;
  readonly responseOut: ResOut;
}

/** A map from a service's method names (lowerCamelCase) to their shapes; generated per service. */
export type ServiceShape = { readonly [method: string]: MethodShape };

/**
 * A generated description of a gRPC service: its full name and its methods, keyed by the lowerCamelCase name of
 * the handler that serves each. `S` carries the message types for handlers and clients. It binds a service class
 * (`@GrpcService(descriptor)`) or a plain object (`implementService`) to the service, and builds clients. For a
 * service without generated code, write one by hand (a shape type and this object).
 */
export interface ServiceDescriptor<S extends ServiceShape = ServiceShape> {
  /** The fully qualified service name, e.g. `rampart.demo.inventory.v1.InventoryService`. */
  readonly typeName: string;
  /** The `.proto` file that declares it, relative to the proto root. */
  readonly protoFile: string;
  readonly methods: { readonly [K in keyof S]: MethodDescriptor<S[K]['kind']> };
}

/** A unary handler: one request in, one response out. */
export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res> | Res;
/**
 * What a streaming handler returns: usually an `async *` generator; a synchronous iterable (a `*` generator, an
 * array) when every message is at hand, which the server writes without a promise per message.
 */
export type ResponseStream<Res> = AsyncIterable<Res> | Iterable<Res>;
/** A server-streaming handler, usually an `async *` method. */
export type ServerStreamHandler<Req, Res> = (request: Req, ctx: CallContext) => ResponseStream<Res>;
/** A client-streaming handler: consumes the requests with `for await`, returns one response. */
export type ClientStreamHandler<Req, Res> = (requests: AsyncIterable<Req>, ctx: CallContext) => Promise<Res> | Res;
/** A bidirectional-streaming handler, usually an `async *` method consuming `requests`. */
export type BidiHandler<Req, Res> = (requests: AsyncIterable<Req>, ctx: CallContext) => ResponseStream<Res>;

/** The handler type for one method shape. */
export type HandlerFor<M extends MethodShape> = M['kind'] extends 'unary'
  ? UnaryHandler<M['requestOut'], M['response']>
  : M['kind'] extends 'serverStream'
    ? ServerStreamHandler<M['requestOut'], M['response']>
    : M['kind'] extends 'clientStream'
      ? ClientStreamHandler<M['requestOut'], M['response']>
      : BidiHandler<M['requestOut'], M['response']>;

/**
 * What a service class (or a plain object) must implement; generated per service as `XServiceHandlers`.
 * `@GrpcService(descriptor)` and `implementService(descriptor, object)` check against it: a missing handler, or one
 * whose signature does not match its RPC, fails to compile.
 *
 * @example
 * ```ts
 * @GrpcService(InventoryServiceDescriptor) // checks the class against InventoryServiceHandlers
 * export class InventoryService { async reserve(req: ReserveRequest__Output, ctx: CallContext) { ... } }
 * ```
 */
export type ServiceHandlers<S extends ServiceShape> = { [K in keyof S]: HandlerFor<S[K]> };

/** Per-call options for a client call. */
export interface ClientCallOptions {
  /** An absolute deadline, or a timeout in milliseconds from now. */
  readonly deadline?: Date | number;
  /** Cancels the call when aborted. */
  readonly signal?: AbortSignal;
  /** Extra request metadata (ASCII values; keys ending in `-bin` take Buffers). */
  readonly metadata?: Readonly<Record<string, string | Buffer>>;
  /**
   * The call being handled when this call is made from a handler: its remaining deadline (minus a small margin)
   * and request id flow into this call.
   */
  readonly parent?: CallContext;
  /**
   * Call as the parent call's caller: the parent's bearer token is exchanged (RFC 8693) for one whose audience is
   * this service, with this workload as actor. Needs `parent` and a client with a token source.
   */
  readonly asCaller?: boolean;
  /** Called with the response headers when the server sends them (before the first response message); if it throws, the call is cancelled. */
  readonly onHeaders?: (headers: ReceivedMetadata) => void;
  /** Called with the response trailers of a call that ends OK (a failed call's are on the error's `metadata`); a throw is ignored. */
  readonly onTrailers?: (trailers: ReceivedMetadata) => void;
}

/** Response headers or trailers as a client received them: each key's values in order (`-bin` keys as Buffers). */
export type ReceivedMetadata = Readonly<Record<string, readonly (string | Buffer)[]>>;

/** A stream of requests a client sends: any (async) iterable. */
export type RequestStream<T> = AsyncIterable<T> | Iterable<T>;

/** The client function for one method shape. */
export type ClientMethodFor<M extends MethodShape> = M['kind'] extends 'unary'
  ? (request: M['request'], options?: ClientCallOptions) => Promise<M['responseOut']>
  : M['kind'] extends 'serverStream'
    ? (request: M['request'], options?: ClientCallOptions) => AsyncIterable<M['responseOut']>
    : M['kind'] extends 'clientStream'
      ? (requests: RequestStream<M['request']>, options?: ClientCallOptions) => Promise<M['responseOut']>
      : (requests: RequestStream<M['request']>, options?: ClientCallOptions) => AsyncIterable<M['responseOut']>;

/** A promise/async-iterable client for a service; generated per service as `XServiceClient`. */
export type ServiceClient<S extends ServiceShape> = { [K in keyof S]: ClientMethodFor<S[K]> };
