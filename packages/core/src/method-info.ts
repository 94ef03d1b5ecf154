// What a call knows about its RPC. Apart from methods.ts (the handler and client types, which use CallContext), so
// that context.ts can use MethodInfo without an import cycle.

/** The four gRPC call kinds. */
export type MethodKind = 'unary' | 'serverStream' | 'clientStream' | 'bidi';

/** What is known about one RPC at run time. */
export interface MethodDescriptor<K extends MethodKind = MethodKind> {
  /** The method's name in the `.proto`, e.g. `WatchStock`. */
  readonly name: string;
  /** The HTTP/2 path, e.g. `/rampart.demo.inventory.v1.InventoryService/WatchStock`. */
  readonly path: string;
  readonly kind: K;
}

/** Method information a call carries: the descriptor plus the service it belongs to. */
export interface MethodInfo extends MethodDescriptor {
  /** The fully qualified service name. */
  readonly service: string;
  /** The handler's property name on the service class. */
  readonly handlerName: string;
}
