import type { Metadata, UntypedHandleCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { RampartError, receivedError, Status, type MethodKind } from '@rampart/core';
import type { ServiceBinding } from './method-runtime.js';
import { InProcessCall, type InProcessCallOptions, type InProcessOutcome } from './in-process-call.js';

/** The grpc-js handler of one method, as `createApp` added it to the server, and its messages' wire round trip. */
export interface InProcessMethod {
  readonly kind: MethodKind;
  readonly handle: UntypedHandleCall;
  /** A request as the server decodes it from the wire (defaults filled in, unknown fields dropped). */
  readonly request: (message: unknown) => unknown;
  /** A response as a client decodes it. */
  readonly response: (message: unknown) => unknown;
}

/** What the in-process invoker needs of an app: its methods by path, and whether it still takes calls. */
interface InProcessTarget {
  readonly methods: ReadonlyMap<string, InProcessMethod>;
  readonly open: () => boolean;
}

const TARGETS = new WeakMap<object, InProcessTarget>();

/** Adds a service's methods (the handlers given to grpc-js) by path. */
export function addInProcessMethods(
  methods: Map<string, InProcessMethod>,
  binding: ServiceBinding,
  implementation: UntypedServiceImplementation,
): void {
  for (const [key, runtime] of binding.methods) {
    const definition = binding.definition[key] as MethodDefinition<unknown, unknown>;
    methods.set(runtime.info.path, {
      kind: runtime.info.kind,
      handle: implementation[key] as UntypedHandleCall,
      request: (message) => definition.requestDeserialize(definition.requestSerialize(message)),
      response: (message) => definition.responseDeserialize(definition.responseSerialize(message)),
    });
  }
}

/** Makes an app callable in process (done by `createApp`). */
export function registerInProcess(app: object, methods: ReadonlyMap<string, InProcessMethod>, open: () => boolean): void {
  TARGETS.set(app, { methods, open });
}

/** Calls an app's methods in process. */
export interface InProcessInvoker {
  /**
   * Calls the method at `path` (e.g. `/pkg.Svc/GetStock`): `input` is the request, or for client-stream and bidi
   * methods an iterable of requests. Resolves with the outcome, also for a refused or failed call.
   */
  invoke<Res = unknown>(path: string, input: unknown, options?: InProcessCallOptions): Promise<InProcessOutcome<Res>>;
}

/**
 * Calls an app's methods without sockets, through exactly what a real call runs: the app's planned interceptors
 * (the auth pipeline's stages, audit included), then the handler, with errors mapped to the status and message
 * the client would get. Messages make the wire's round trip (encoded and decoded with the method's proto types).
 * For unit tests of handler logic.
 *
 * Transport checks are simulated, not performed: no TLS, no mTLS handshake. The `peerCertificate` given is taken
 * as verified by TLS, so a certificate no trust store would accept passes here. Test security (mTLS, rogue CAs,
 * renegotiation, token attacks) through a real server over TLS (`startTestApp` in `@rampart/testing`).
 *
 * @example
 * ```ts
 * const app = await createApp({ name: 'inventory', services: [InventoryService], protos, plugins: [rampartAuth()] });
 * const outcome = await inProcessInvoker(app).invoke('/rampart.demo.inventory.v1.InventoryService/GetStock', { sku: 'A-1' }, {
 *   peerCertificate: ordersCertPem,
 *   metadata: { authorization: `Bearer ${token}` },
 * });
 * outcome.status; // 0
 * ```
 */
export function inProcessInvoker(app: object): InProcessInvoker {
  const target = TARGETS.get(app);
  if (target === undefined) throw new RampartError('ERR_APP_STATE', 'not an app made by createApp: nothing to call in process');
  return {
    invoke<Res>(path: string, input: unknown, options: InProcessCallOptions = {}): Promise<InProcessOutcome<Res>> {
      const method = target.methods.get(path);
      if (method === undefined) {
        const known = [...target.methods.keys()].join(', ');
        return Promise.reject(new RampartError('ERR_SERVICE_DEFINITION', `the app has no method ${path} (methods: ${known})`));
      }
      if (!target.open()) return Promise.reject(new RampartError('ERR_APP_STATE', 'the app is closing or closed: it takes no calls'));
      try {
        return run(method, input, options) as Promise<InProcessOutcome<Res>>;
      } catch (error) {
        // A request its proto type cannot encode: the test's mistake, said plainly.
        return Promise.reject(new RampartError('ERR_INVALID_ARGUMENT', `the request for ${path} cannot be encoded: ${String(error)}`, { cause: error }));
      }
    },
  };
}

function run(method: InProcessMethod, input: unknown, options: InProcessCallOptions): Promise<InProcessOutcome> {
  const streamingIn = method.kind === 'clientStream' || method.kind === 'bidi';
  const call = new InProcessCall(streamingIn ? undefined : method.request(input), options, method.response);
  let timer: NodeJS.Timeout | undefined;
  const outcome = new Promise<InProcessOutcome>((resolve) => {
    if (options.deadline !== undefined) {
      // As grpc-js: the deadline cancels the call on the server (the handler's signal aborts), and the client gets
      // DEADLINE_EXCEEDED from its own timer, not from the server.
      timer = setTimeout(() => {
        call.emit('cancelled');
        const details = 'deadline exceeded';
        const error = receivedError({ status: Status.DEADLINE_EXCEEDED, message: details });
        resolve({ status: Status.DEADLINE_EXCEEDED, details, error, response: undefined, responses: [...call.responses] });
      }, Math.max(0, options.deadline.getTime() - Date.now()));
    }
    call.on('error', (error: object) => resolve(call.outcomeOf(error)));
    if (method.kind === 'unary' || method.kind === 'clientStream') {
      const handle = method.handle as unknown as (call: InProcessCall, callback: (error: object | null, value?: unknown, trailers?: Metadata) => void) => void;
      handle(call, (error, value, trailers) =>
        resolve(
          error
            ? call.outcomeOf(error)
            : { status: 0, details: '', response: method.response(value), responses: [], ...call.sentMetadata(trailers) },
        ),
      );
    } else {
      call.on('finish', () => resolve({ status: 0, details: '', response: undefined, responses: [...call.responses], ...call.sentMetadata() }));
      (method.handle as unknown as (call: InProcessCall) => void)(call);
    }
  });
  if (streamingIn) {
    call.feed(input as Iterable<unknown> | AsyncIterable<unknown>, method.request).catch((error: unknown) => call.destroy(error as Error));
  }
  return outcome.finally(() => clearTimeout(timer));
}
