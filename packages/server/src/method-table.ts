import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import {
  effectiveDecisions,
  PUBLIC_DECISION,
  RampartError,
  readServiceMetadata,
  resolveHandlerName,
  type AuthDecision,
  type ErrorCode,
  type Interceptor,
  type MethodInfo,
  type MethodInterceptor,
  type MethodKind,
} from '@rampart/core';
import type { Newable } from 'inversify';
import type { ProtoRegistry } from './proto-registry.js';

/** A service class as `createApp` takes it: constructed by the container. */
export type ServiceClass = Newable<object>;

/** Everything the server precomputes for one method at start-up. */
export interface MethodRuntime {
  readonly info: MethodInfo;
  readonly serviceClass: ServiceClass;
  readonly decisions: readonly AuthDecision[];
  /** The `onStart` hooks of the interceptors that apply to this method, in order. */
  readonly starts: readonly NonNullable<MethodInterceptor['onStart']>[];
  /** Their `onEnd` hooks, in the same order (run in reverse). */
  readonly ends: readonly NonNullable<MethodInterceptor['onEnd']>[];
  /** The interceptors that apply, by name, for the auth matrix. */
  readonly interceptors: readonly string[];
}

/** One reason not to start. */
interface Problem {
  readonly code: ErrorCode;
  readonly text: string;
}

/** One service class bound to its proto definition. */
export interface ServiceBinding {
  readonly serviceClass: ServiceClass;
  readonly typeName: string;
  readonly definition: ServiceDefinition;
  /** grpc-js method key (as in the definition) → runtime. */
  readonly methods: ReadonlyMap<string, MethodRuntime>;
}

/**
 * Binds service classes to their protos and decides, once, what runs for each method. Refuses to start, naming
 * every offending method, when: a class lacks `@GrpcService` or names an unknown service; an RPC has no handler
 * (methods every object inherits from `Object.prototype` do not count); a subclass serves an RPC with another
 * method than its base class; a method has no auth decision (default deny); `@Public()` meets another decision
 * anywhere in the class chain; a decision's kind is enforced by no interceptor.
 */
export function buildMethodTable(
  serviceClasses: readonly ServiceClass[],
  protos: ProtoRegistry,
  interceptors: readonly Interceptor[],
): ServiceBinding[] {
  const problems: Problem[] = [];
  const enforced = new Set<string>([PUBLIC_DECISION, ...interceptors.flatMap((i) => i.enforces ?? [])]);
  const bindings: ServiceBinding[] = [];
  const seen = new Set<string>();

  for (const serviceClass of serviceClasses) {
    const meta = readServiceMetadata(serviceClass);
    if (!meta) {
      problems.push({ code: 'ERR_SERVICE_DEFINITION', text: `class ${serviceClass.name} has no @GrpcService(...) decorator` });
      continue;
    }
    if (seen.has(meta.typeName)) {
      problems.push({ code: 'ERR_SERVICE_DEFINITION', text: `service ${meta.typeName} is implemented twice` });
      continue;
    }
    seen.add(meta.typeName);
    const definition = protos.service(meta.typeName);
    const methods = new Map<string, MethodRuntime>();
    for (const [key, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
      const rpcName = method.originalName ?? key;
      let handlerName: string | undefined;
      let decisions: AuthDecision[];
      try {
        handlerName = resolveHandlerName(serviceClass, key) ?? resolveHandlerName(serviceClass, rpcName);
        decisions = handlerName === undefined ? [] : effectiveDecisions(serviceClass, handlerName);
      } catch (error) {
        if (!RampartError.is(error)) throw error;
        problems.push({ code: error.code, text: error.message });
        continue;
      }
      const where = `${serviceClass.name}.${handlerName ?? lowerFirst(key)}`;
      if (handlerName === undefined) {
        problems.push({
          code: 'ERR_SERVICE_DEFINITION',
          text: `${where} is missing: rpc ${key} of ${meta.typeName} has no handler (add the method, or map one with @GrpcMethod('${key}'))${inheritedFromObject(key, rpcName)}`,
        });
        continue;
      }
      if (decisions.length === 0) {
        problems.push({
          code: 'ERR_NO_AUTH_DECISION',
          text: `${where} (rpc ${method.path}) has no auth decision: add @Authenticated(...), @RequireMtls(...) or @Public() to the method or its class`,
        });
        continue;
      }
      for (const decision of decisions) {
        if (!enforced.has(decision.kind)) {
          problems.push({
            code: 'ERR_UNENFORCED_DECISION',
            text: `${where} requires "${decision.kind}", which no installed interceptor enforces: add the plugin that provides it`,
          });
        }
      }
      const info: MethodInfo = {
        service: meta.typeName,
        name: key,
        path: method.path,
        kind: kindOf(method),
        handlerName,
      };
      const plan = { method: info, decisions, serviceClass };
      let applied: { name: string; hooks: MethodInterceptor }[];
      try {
        applied = interceptors
          .map((interceptor) => ({ name: interceptor.name, hooks: interceptor.forMethod(plan) }))
          .filter((entry): entry is { name: string; hooks: MethodInterceptor } => entry.hooks !== undefined);
      } catch (error) {
        // A plan an interceptor refuses (two @Authenticated on one method: ERR_AUTH_CONFLICT) is listed with the rest.
        if (!RampartError.is(error)) throw error;
        problems.push({ code: error.code, text: error.message });
        continue;
      }
      methods.set(key, {
        info,
        serviceClass,
        decisions,
        starts: applied.flatMap(({ hooks }) => (hooks.onStart ? [hooks.onStart.bind(hooks)] : [])),
        ends: applied.flatMap(({ hooks }) => (hooks.onEnd ? [hooks.onEnd.bind(hooks)] : [])),
        interceptors: applied.map((a) => a.name),
      });
    }
    bindings.push({ serviceClass, typeName: meta.typeName, definition, methods });
  }

  if (problems.length > 0) {
    const code = problems.some((p) => p.code === 'ERR_NO_AUTH_DECISION')
      ? 'ERR_NO_AUTH_DECISION'
      : (problems[0] as (typeof problems)[number]).code;
    throw new RampartError(
      code,
      `refusing to start: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p.text}`).join('\n')}`,
    );
  }
  return bindings;
}

function kindOf(method: MethodDefinition<unknown, unknown>): MethodKind {
  if (method.requestStream) return method.responseStream ? 'bidi' : 'clientStream';
  return method.responseStream ? 'serverStream' : 'unary';
}

/** A hint for an RPC whose handler name only `Object.prototype` has (`ToString` → `toString`). */
function inheritedFromObject(key: string, rpcName: string): string {
  const name = [lowerFirst(key), key, rpcName].find((n) => n in Object.prototype);
  return name === undefined ? '' : `; ${name} inherited from Object does not count`;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
