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
  /** Runs once when the call has ended, whatever the outcome. Must not throw. */
  onEnd?(ctx: CallContext, outcome: CallOutcome): void;
}

/** What an interceptor is told about a method at start-up. */
export interface MethodPlan {
  readonly method: MethodInfo;
  /** The method's effective auth decisions (class and method level merged). */
  readonly decisions: readonly AuthDecision[];
  /** The service class. */
  readonly serviceClass: abstract new (...args: never[]) => unknown;
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
export interface Interceptor {
  readonly name: string;
  /**
   * The auth decision kinds this interceptor enforces (e.g. `['mtls']`). A method that carries a decision kind
   * no interceptor enforces stops start-up: a decorator is never silently ignored.
   */
  readonly enforces?: readonly string[];
  forMethod(plan: MethodPlan): MethodInterceptor | undefined;
}
