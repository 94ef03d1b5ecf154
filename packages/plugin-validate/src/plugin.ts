import { createValidator, type Validator } from '@bufbuild/protovalidate';
import type { FileRegistry } from '@bufbuild/protobuf';
import {
  definePlugin,
  eachMessage,
  type InterceptedRequest,
  type Interceptor,
  type InterceptorDeclaration,
  type MethodInterceptor,
  type MethodPlan,
  type ProtoFiles,
  type RampartPlugin,
  RampartError,
} from '@rampart/core';
import { RequestValidator } from './request-validator.js';
import { hasRules, loadRuleRegistry } from './rules-registry.js';

/** The plugin's name, for other plugins' `dependencies`. */
export const RAMPART_VALIDATE = 'rampart-validate';

/** Options of {@link rampartValidate}. */
export interface ValidateOptions {
  /** Stop at the first violation (default: report every violation, up to 20, in the details). */
  readonly failFast?: boolean;
}

/**
 * Request validation from the `buf.validate` rules of the app's `.proto` files, evaluated by protovalidate
 * (`@bufbuild/protovalidate`). A method whose request type carries no rule (itself or any message it holds) pays
 * nothing; for the others, each request message (every message of a client or bidi stream) is checked before the
 * handler sees it, after authentication. A violation ends the call INVALID_ARGUMENT, naming the first violation,
 * with every violation in `google.rpc.BadRequest` details (`readRichDetails(error.details)` on the client). A rule
 * that cannot be evaluated fails the call (INTERNAL) and is logged.
 *
 * The protos import `buf/validate/validate.proto` from {@link VALIDATE_PROTO_DIR}: pass it in the app's
 * `protos.includeDirs` (and to `rampart-codegen --include`).
 *
 * @example
 * ```ts
 * // orders.proto: string sku = 1 [(buf.validate.field).string.pattern = "^SKU-[0-9]{3,8}$"];
 * const app = await createApp({
 *   name: 'orders',
 *   services: [OrdersService],
 *   protos: { root: PROTO_ROOT, includeDirs: [VALIDATE_PROTO_DIR] },
 *   plugins: [rampartAuth(), rampartValidate()],
 * });
 * ```
 */
export function rampartValidate(options: ValidateOptions = {}): RampartPlugin {
  // One registry per set of protos (an app's), made at planning. Protos whose rules cannot be read stop start-up:
  // the first method's planning throws (a start-up problem); the other methods are not told again.
  const registries = new WeakMap<ProtoFiles, FileRegistry | 'failed'>();
  const registryOf = (protos: ProtoFiles): FileRegistry | undefined => {
    const known = registries.get(protos);
    if (known !== undefined) return known === 'failed' ? undefined : known;
    registries.set(protos, 'failed');
    const registry = loadRuleRegistry(protos);
    registries.set(protos, registry);
    return registry;
  };
  const declaration: InterceptorDeclaration = {
    name: 'validate',
    appliesTo: (plan) => {
      const registry = registryOf(plan.schema.protos);
      if (registry === undefined) return false; // its problem was said at the first method
      const request = registry.getMessage(plan.schema.requestType);
      // A request type the rules were not read for would skip its rules silently: stop start-up instead.
      if (request === undefined) {
        throw new RampartError('ERR_SERVICE_DEFINITION', `${plan.method.path}: the request type ${plan.schema.requestType} is not among the types rampart-validate read`);
      }
      return hasRules(request);
    },
  };
  return definePlugin({
    name: RAMPART_VALIDATE,
    interceptors: [declaration],
    register(ctx) {
      let validator: Validator | undefined;
      const interceptor: Interceptor = {
        ...declaration,
        forMethod(plan) {
          const registry = registryOf(plan.schema.protos);
          const request = registry?.getMessage(plan.schema.requestType);
          if (registry === undefined || request === undefined) return undefined; // appliesTo accepted it: never the case
          validator ??= createValidator({ registry, failFast: options.failFast ?? false });
          return validatingInterceptor(plan, new RequestValidator(validator, request, plan.schema.serializeRequest, ctx.logger));
        },
      };
      ctx.addInterceptor(interceptor);
    },
  });
}

function validatingInterceptor(plan: MethodPlan, validator: RequestValidator): MethodInterceptor {
  if (plan.method.kind === 'unary' || plan.method.kind === 'serverStream') {
    return {
      intercept(request, _ctx, next) {
        validator.check((request as Extract<InterceptedRequest, { message: unknown }>).message);
        return next(request);
      },
    };
  }
  return {
    intercept(request, _ctx, next) {
      const { kind, messages } = request as Extract<InterceptedRequest, { messages: unknown }>;
      return next({ kind, messages: eachMessage(messages, (message) => validator.check(message)) });
    },
  };
}

