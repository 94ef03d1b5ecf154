import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import {
  effectiveDecisions,
  PUBLIC_DECISION,
  readServiceMetadata,
  resolveHandlerName,
  type AuthDecision,
  type InterceptorDeclaration,
  type MethodInfo,
  type MethodKind,
  type MethodPlan,
} from '@rampart/core';
import type { Newable } from 'inversify';
import type { ProtoRegistry } from './proto-registry.js';
import { collectProblem, type StartupProblem } from './startup-problems.js';

/** A service class as `createApp` takes it: constructed by the container. */
export type ServiceClass = Newable<object>;

/** One method as planned: what serves it, its auth decisions, and which interceptors run for it. */
export interface PlannedMethod {
  readonly info: MethodInfo;
  readonly serviceClass: ServiceClass;
  readonly decisions: readonly AuthDecision[];
  /** What the interceptors are told about the method. */
  readonly plan: MethodPlan;
  /** Positions (in the app's interceptor list) of the interceptors that run for it, in order. */
  readonly interceptorIndexes: readonly number[];
  /** Their names, for the auth matrix. */
  readonly interceptors: readonly string[];
}

/** One service class bound to its proto definition, with what is known of each method (`M`). */
export interface BoundService<M> {
  readonly serviceClass: ServiceClass;
  readonly typeName: string;
  readonly definition: ServiceDefinition;
  /** grpc-js method key (as in the definition) → the method. */
  readonly methods: ReadonlyMap<string, M>;
}

/** One service class bound to its proto definition, as planned. */
export type PlannedService = BoundService<PlannedMethod>;

/**
 * Binds service classes to their protos and decides, once, what runs for each method, from the decorators, the
 * protos and the interceptors' declarations only (no container, no config). Collects, naming every offending
 * method: a class without `@GrpcService` or naming an unknown service; an RPC without a handler (methods every
 * object inherits from `Object.prototype` do not count); a subclass serving an RPC with another method than its
 * base class; a method without an auth decision (default deny); `@Public()` with another decision anywhere in the
 * class chain; a decision kind no interceptor enforces; decisions an interceptor refuses (`appliesTo` throws).
 */
export function planMethods(
  serviceClasses: readonly ServiceClass[],
  protos: ProtoRegistry,
  interceptors: readonly InterceptorDeclaration[],
  problems: StartupProblem[],
): PlannedService[] {
  const enforced = new Set<string>([PUBLIC_DECISION, ...interceptors.flatMap((i) => i.enforces ?? [])]);
  const services: PlannedService[] = [];
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
    let definition: ServiceDefinition;
    try {
      definition = protos.service(meta.typeName);
    } catch (error) {
      collectProblem(problems, error);
      continue;
    }
    const methods = new Map<string, PlannedMethod>();
    for (const [key, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
      const planned = planMethod(serviceClass, meta.typeName, key, method, interceptors, enforced, problems);
      if (planned !== undefined) methods.set(key, planned);
    }
    services.push({ serviceClass, typeName: meta.typeName, definition, methods });
  }
  return services;
}

function planMethod(
  serviceClass: ServiceClass,
  typeName: string,
  key: string,
  method: MethodDefinition<unknown, unknown>,
  interceptors: readonly InterceptorDeclaration[],
  enforced: ReadonlySet<string>,
  problems: StartupProblem[],
): PlannedMethod | undefined {
  const rpcName = method.originalName ?? key;
  let handlerName: string | undefined;
  let decisions: AuthDecision[];
  try {
    handlerName = resolveHandlerName(serviceClass, key) ?? resolveHandlerName(serviceClass, rpcName);
    decisions = handlerName === undefined ? [] : effectiveDecisions(serviceClass, handlerName);
  } catch (error) {
    collectProblem(problems, error);
    return undefined;
  }
  const where = `${serviceClass.name}.${handlerName ?? lowerFirst(key)}`;
  if (handlerName === undefined) {
    problems.push({
      code: 'ERR_SERVICE_DEFINITION',
      text: `${where} is missing: rpc ${key} of ${typeName} has no handler (add the method, or map one with @GrpcMethod('${key}'))${inheritedFromObject(key, rpcName)}`,
    });
    return undefined;
  }
  if (decisions.length === 0) {
    problems.push({
      code: 'ERR_NO_AUTH_DECISION',
      text: `${where} (rpc ${method.path}) has no auth decision: add @Authenticated(...), @RequireMtls(...) or @Public() to the method or its class`,
    });
    return undefined;
  }
  for (const decision of decisions) {
    if (!enforced.has(decision.kind)) {
      problems.push({
        code: 'ERR_UNENFORCED_DECISION',
        text: `${where} requires "${decision.kind}", which no installed interceptor enforces: add the plugin that provides it`,
      });
    }
  }
  const info: MethodInfo = { service: typeName, name: key, path: method.path, kind: kindOf(method), handlerName };
  const plan: MethodPlan = { method: info, decisions, serviceClass };
  const indexes: number[] = [];
  try {
    interceptors.forEach((interceptor, index) => {
      if (interceptor.appliesTo?.(plan) ?? true) indexes.push(index);
    });
  } catch (error) {
    // A plan an interceptor refuses (two @Authenticated on one method: ERR_AUTH_CONFLICT) is listed with the rest.
    collectProblem(problems, error);
    return undefined;
  }
  return {
    info,
    serviceClass,
    decisions,
    plan,
    interceptorIndexes: indexes,
    interceptors: indexes.map((i) => (interceptors[i] as InterceptorDeclaration).name),
  };
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
