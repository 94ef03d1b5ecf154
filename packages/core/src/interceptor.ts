import type { CallIdentityWriter } from './call-identity.js';
import type { CallNext, InterceptedRequest, InterceptedResponse } from './call-interception.js';
import type { CallContext } from './context.js';
import type { RampartError } from './errors.js';
import type { MethodInfo } from './method-info.js';
import type { Status } from './status.js';
import type { AuthDecision } from './auth-decision.js';

/** How a call ended. */
export interface CallOutcome {
  readonly status: Status;
  /** The error that ended the call, when it did not succeed. */
  readonly error: RampartError | undefined;
}

/** Lets an interceptor end a call later, e.g. a stream whose token expires. */
export interface CallControl {
  /**
   * Ends the call now with the error's status (if it has not ended yet): the client gets the mapped status, the
   * handler's `ctx.signal` aborts with the error, and `onEnd` hooks see it.
   */
  end(error: RampartError): void;
}

/** What an interceptor does for one method; built once at start-up. */
export interface MethodInterceptor {
  /**
   * Runs when the call's metadata has arrived, before any request message reaches the handler. Throw (a
   * RampartError) to refuse the call: the handler never runs and the client gets the mapped status. Return nothing
   * or a promise of nothing: any thenable is awaited, and any other value refuses the call with INTERNAL (see
   * `settleHookResult`). `control` ends the call later, for checks that outlive the start (token expiry on a long
   * stream).
   */
  onStart?(ctx: CallContext, control: CallControl): void | Promise<void>;
  /**
   * Wraps the handler: runs once every `onStart` hook passed (so after authentication), with the decoded request
   * (or the stream of request messages) and `next`, the rest of the chain. Call `next(request)` — with the request
   * as given, or a changed one (e.g. request messages checked one by one with `eachMessage`) — and return its
   * response, or a changed one; or return a response without calling `next`; or throw a RampartError to end the
   * call with its status (the handler never runs if `next` was not called). A throw of anything else ends the call
   * INTERNAL. `ctx.responseHeaders` and `ctx.responseTrailers` set what the client gets. Methods whose interceptors
   * have no `intercept` pay nothing for it.
   */
  intercept?(request: InterceptedRequest, ctx: CallContext, next: CallNext): InterceptedResponse | Promise<InterceptedResponse>;
  /** Runs once when the call has ended, whatever the outcome. Must not throw. */
  onEnd?(ctx: CallContext, outcome: CallOutcome): void;
}

/** What an interceptor is told about a method at start-up. */
export interface MethodPlan {
  readonly method: MethodInfo;
  /** The method's effective auth decisions (class and method level merged). */
  readonly decisions: readonly AuthDecision[];
  /** The service class (for a plain object served with `implementService`, the class it made, named after the service). */
  readonly serviceClass: abstract new (...args: never[]) => unknown;
  /** The method's message types and the protos they come from, for interceptors that read the schema (validation). */
  readonly schema: MethodSchema;
}

/** The message types of a method, and where the app's protos were loaded from. */
export interface MethodSchema {
  /** The request message's fully qualified name, e.g. `rampart.demo.orders.v1.PlaceOrderRequest`. */
  readonly requestType: string;
  /** The response message's fully qualified name. */
  readonly responseType: string;
  /** The app's `.proto` files: a plugin that reads their options (e.g. `buf.validate` rules) parses them from here. */
  readonly protos: ProtoFiles;
  /** The protobuf encoding of a request message as the handler gets it (what a client sent, re-encoded). */
  readonly serializeRequest: (message: unknown) => Uint8Array;
  /** The protobuf encoding of a response message as a handler returns it. */
  readonly serializeResponse: (message: unknown) => Uint8Array;
}

/** A set of `.proto` files as the app loaded them. */
export interface ProtoFiles {
  /** The folder `files` (and their imports) are relative to. */
  readonly root: string;
  /** The files loaded, relative to `root`. */
  readonly files: readonly string[];
  /** More folders imports are looked up in, after `root` (e.g. `@rampart/plugin-validate`'s `buf/validate` protos). */
  readonly includeDirs: readonly string[];
}

/**
 * What the server grants an interceptor for one method, with `forMethod`. `identity` (the only way to set the call's
 * principal, withdraw its peer or accept its bearer token) is given only to an interceptor that declares `enforces`:
 * one that enforces auth decisions is part of the auth pipeline; every other interceptor reads `ctx.principal` and
 * `ctx.peer` and cannot change them.
 */
export interface MethodGrants {
  /** The call-identity writer, for an interceptor that declares `enforces`; `undefined` for every other. */
  readonly identity: CallIdentityWriter | undefined;
}

/**
 * What planning knows of an interceptor before anything is built: its name, the auth decision kinds it enforces, and
 * which methods it has work for. Pure: `appliesTo` reads the plan only (no container, no config, no I/O), so an
 * app can be planned (`planApp`, `rampart routes`) with nothing configured. A plugin declares the interceptors its
 * `register` step adds (`RampartPlugin.interceptors`); an {@link Interceptor} is its own declaration.
 *
 * @example
 * ```ts
 * const tenant: InterceptorDeclaration = {
 *   name: 'tenant',
 *   enforces: ['tenant'],
 *   appliesTo: (plan) => plan.decisions.some((d) => d.kind === 'tenant'),
 * };
 * ```
 */
export interface InterceptorDeclaration {
  readonly name: string;
  /**
   * The auth decision kinds this interceptor enforces (e.g. `['mtls']`). A method that carries a decision kind
   * no interceptor enforces stops start-up: a decorator is never silently ignored.
   */
  readonly enforces?: readonly string[];
  /**
   * Whether the interceptor runs for this method (default: for every method); what `authMatrix()` and `rampart
   * routes` list. Throw a RampartError to refuse the method's decisions (two `@Authenticated` on one method:
   * `ERR_AUTH_CONFLICT`): it is listed with the app's other start-up problems.
   */
  appliesTo?(plan: MethodPlan): boolean;
}

/**
 * An interceptor is asked once per method, at start-up, what it does for that method, so a call pays only for the
 * interceptors that apply to it. Interceptors run in the order they were added; `onStart` hooks in that order,
 * `onEnd` hooks in reverse.
 *
 * @example
 * ```ts
 * const timing: Interceptor = {
 *   name: 'timing',
 *   forMethod: () => ({ onEnd: (ctx, outcome) => ctx.logger.info({ status: outcome.status }, 'done') }),
 * };
 * ```
 */
export interface Interceptor extends InterceptorDeclaration {
  /**
   * Builds the hooks for a method `appliesTo` accepted (the container is ready: it may resolve what it needs),
   * once at start-up; undefined: no hooks for it. A RampartError it throws is listed with the start-up problems.
   * `grants.identity` is set only for an interceptor that declares `enforces` (see {@link MethodGrants}).
   */
  forMethod(plan: MethodPlan, grants: MethodGrants): MethodInterceptor | undefined;
}
