import { implementService, Public, type ServiceDescriptor } from '@rampart/core';
import { planApp } from '@rampart/server';
import { rampartErrorOf } from '@rampart/test-support';
import { startTestApp } from '@rampart/testing';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rampartValidate, VALIDATE_PROTO_DIR } from '../src/index.js';

const brokenRoot = fileURLToPath(new URL('./protos-broken', import.meta.url));
type BrokenShape = {
  readonly first: { kind: 'unary'; request: object; requestOut: object; response: object; responseOut: object };
  readonly second: { kind: 'unary'; request: object; requestOut: object; response: object; responseOut: object };
};
const BrokenDescriptor = {
  typeName: 'rampart.test.broken.v1.BrokenService',
  protoFile: 'rampart/test/broken/v1/broken.proto',
  methods: {
    first: { name: 'First', path: '/rampart.test.broken.v1.BrokenService/First', kind: 'unary' },
    second: { name: 'Second', path: '/rampart.test.broken.v1.BrokenService/Second', kind: 'unary' },
  },
} as unknown as ServiceDescriptor<BrokenShape>;
const broken = implementService(BrokenDescriptor, { first: (req) => Promise.resolve(req), second: (req) => Promise.resolve(req) }, { auth: [Public()] });

describe('rampartValidate at start-up', () => {
  it('stops start-up for a rule protovalidate cannot read, naming the field and the rule, once', async () => {
    const options = { name: 'broken', services: [broken], protos: { root: brokenRoot, includeDirs: [VALIDATE_PROTO_DIR] }, plugins: [rampartValidate()] };
    const plan = planApp(options);
    const problems = plan.problems.map((p) => p.text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/rampart\.test\.broken\.v1\.BrokenRequest\.name cannot be read: .*no_such_rule/);
    const err = await rampartErrorOf(startTestApp(options));
    expect(err.code).toBe('ERR_SERVICE_DEFINITION');
    expect(err.message).toMatch(/BrokenRequest\.name/);
  });

  it('says where buf/validate/validate.proto is when the protos cannot import it', () => {
    const plan = (): unknown => planApp({ name: 'broken', services: [broken], protos: { root: brokenRoot }, plugins: [rampartValidate()] });
    expect(plan).toThrow(/add its VALIDATE_PROTO_DIR to protos\.includeDirs/);
  });

  it('stops start-up, rather than skip its rules, for a request type it did not read', () => {
    const [declaration] = rampartValidate().interceptors ?? [];
    const protos = { root: fileURLToPath(new URL('./protos', import.meta.url)), files: ['rampart/test/validate/v1/checkout.proto'], includeDirs: [VALIDATE_PROTO_DIR] };
    const plan = (requestType: string) => ({
      method: { service: 'rampart.test.validate.v1.CheckoutService', name: 'Checkout', path: '/rampart.test.validate.v1.CheckoutService/Checkout', kind: 'unary' as const, handlerName: 'checkout' },
      decisions: [],
      serviceClass: class {},
      schema: { requestType, responseType: 'rampart.test.validate.v1.CheckoutReply', protos, serializeRequest: () => new Uint8Array(), serializeResponse: () => new Uint8Array() },
    });
    expect(declaration?.appliesTo?.(plan('rampart.test.validate.v1.CheckoutRequest'))).toBe(true);
    expect(declaration?.appliesTo?.(plan('rampart.test.validate.v1.PingRequest'))).toBe(false);
    expect(() => declaration?.appliesTo?.(plan('rampart.test.validate.v1.NoSuchRequest'))).toThrow(/NoSuchRequest is not among the types rampart-validate read/);
  });
});
