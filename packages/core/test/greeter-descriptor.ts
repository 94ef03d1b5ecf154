import type { MethodShape, ServiceDescriptor } from '../src/index.js';

// A service descriptor written by hand, as rampart-codegen would generate it (core's tests have no protos), and as
// a service without generated code writes its own.

interface Hello {
  readonly name?: string;
}
interface HelloOut {
  readonly name: string;
}
interface Greeting {
  readonly text?: string;
}
interface GreetingOut {
  readonly text: string;
}

export type GreeterShape = {
  readonly sayHello: MethodShape<'unary', Hello, HelloOut, Greeting, GreetingOut>;
  readonly watchGreetings: MethodShape<'serverStream', Hello, HelloOut, Greeting, GreetingOut>;
};

export const GreeterDescriptor: ServiceDescriptor<GreeterShape> = {
  typeName: 'acme.v1.Greeter',
  protoFile: 'acme/v1/greeter.proto',
  methods: {
    sayHello: { name: 'SayHello', path: '/acme.v1.Greeter/SayHello', kind: 'unary' },
    watchGreetings: { name: 'WatchGreetings', path: '/acme.v1.Greeter/WatchGreetings', kind: 'serverStream' },
  },
};
