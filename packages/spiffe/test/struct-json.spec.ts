import { loadPackageDefinition, Server, ServerCredentials, type ServiceClientConstructor, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { WorkloadApiClient, WORKLOAD_PROTO_PATH } from '../src/index.js';
import { jsonToStruct, structToJson, type StructMessage } from '../src/struct-json.js';

// JSON.parse makes `__proto__` an own key (an object literal would set the prototype), as a decoded JWT payload or
// a decoded Struct's map holds it.
const HOSTILE_CLAIMS = '{"sub": "spiffe://td/a", "__proto__": {"admin": true}, "constructor": "not a function"}';
const HOSTILE_FIELDS = JSON.parse(
  '{"sub": {"kind": "stringValue", "stringValue": "spiffe://td/a"},' +
    ' "__proto__": {"kind": "structValue", "structValue": {"fields": {"admin": {"kind": "boolValue", "boolValue": true}}}},' +
    ' "constructor": {"kind": "stringValue", "stringValue": "not a function"}}',
) as StructMessage['fields'];

function expectOwnClaims(claims: Readonly<Record<string, unknown>>): void {
  expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
  expect(Object.keys(claims)).toEqual(['sub', '__proto__', 'constructor']);
  expect(Object.getOwnPropertyDescriptor(claims, '__proto__')?.value).toEqual({ admin: true });
  expect(Object.getOwnPropertyDescriptor(claims, 'constructor')?.value).toBe('not a function');
  expect(claims['admin']).toBeUndefined(); // nothing inherited from the claim
  expect(({} as Record<string, unknown>)['admin']).toBeUndefined(); // and Object.prototype untouched
}

describe('Struct claims named like Object.prototype members (__proto__, constructor)', () => {
  it('structToJson makes them own properties and leaves the prototype alone', () => {
    expectOwnClaims(structToJson({ fields: HOSTILE_FIELDS }));
  });

  it('ValidateJWTSVID over the wire (jsonToStruct → protobuf → structToJson): own properties of the frozen claims', async () => {
    const definition = loadSync(WORKLOAD_PROTO_PATH, { keepCase: false, defaults: true, oneofs: true });
    const Service = loadPackageDefinition(definition)['SpiffeWorkloadAPI'] as ServiceClientConstructor;
    const struct = jsonToStruct(JSON.parse(HOSTILE_CLAIMS) as Record<string, unknown>);
    expect(Object.keys(struct.fields ?? {})).toEqual(['sub', '__proto__', 'constructor']);
    const agent = new Server();
    const implementation: UntypedServiceImplementation = {
      ValidateJWTSVID: (_call: unknown, callback: (error: null, response: object) => void) => callback(null, { spiffeId: 'spiffe://td/a', claims: struct }),
    };
    agent.addService(Service.service, implementation);
    const port = await new Promise<number>((resolve, reject) =>
      agent.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const client = new WorkloadApiClient({ address: `tcp://127.0.0.1:${port}` });
    try {
      const validated = await client.validateJwtSvid('a.b.c', 'spiffe://td/b');
      expect(Object.isFrozen(validated.claims)).toBe(true);
      expectOwnClaims(validated.claims);
    } finally {
      client.close();
      agent.forceShutdown();
    }
  });
});
