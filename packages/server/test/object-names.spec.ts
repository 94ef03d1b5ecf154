import { credentials } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import { GrpcService, implementService, Public } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';
import { protoRoot, testConfigValues } from './fixtures/harness.js';
import { ObjectNamesServiceDescriptor, type NamesReply } from './generated/index.js';

// RPCs named ToString, ValueOf, Constructor, HasOwnProperty, IsPrototypeOf and ToLocaleString: their handler names
// are members of every object (Object.prototype, or the class's own `constructor`). Only what the service really
// implements may serve them: the class (or a base class of it), or the object given to implementService.

const SERVICE = 'rampart.test.v1.ObjectNamesService';
const create = (service: new () => object) =>
  createApp({
    name: 'object-names',
    services: [service],
    protos: { root: protoRoot },
    config: { values: testConfigValues, env: {} },
    handleSignals: false,
  });
const reply = (servedBy: string): Promise<NamesReply> => Promise.resolve({ servedBy });

describe('RPCs named like Object.prototype members', () => {
  it('a class that implements none of them does not start, and the error names each one', async () => {
    // @ts-expect-error the compiler refuses it too; this checks the run-time refusal behind the types
    @GrpcService(ObjectNamesServiceDescriptor)
    @Public()
    class Unimplemented {}
    const { code, message } = await rampartErrorOf(create(Unimplemented));
    expect(code).toBe('ERR_SERVICE_DEFINITION');
    expect(message).toContain('refusing to start: 6 problem(s)');
    for (const [rpc, name] of [
      ['ToString', 'toString'],
      ['ValueOf', 'valueOf'],
      ['HasOwnProperty', 'hasOwnProperty'],
      ['IsPrototypeOf', 'isPrototypeOf'],
      ['ToLocaleString', 'toLocaleString'],
    ] as const) {
      expect(message).toContain(
        `Unimplemented.${name} is missing: rpc ${rpc} of ${SERVICE} has no handler (add the method ${name}); ${name} inherited from Object does not count`,
      );
    }
    expect(message).toContain(
      `Unimplemented.constructor is missing: rpc Constructor of ${SERVICE} has no handler (add the method constructor); ` +
        'a class cannot declare a method named constructor: serve this service with implementService(descriptor, object, auth)',
    );
  });

  it('a class serves them with its own methods or its bases\', but never Constructor with its constructor', async () => {
    class NamesBase {
      valueOf(): Promise<NamesReply> {
        return reply('NamesBase.valueOf');
      }
      isPrototypeOf(): Promise<NamesReply> {
        return reply('NamesBase.isPrototypeOf');
      }
    }
    // @ts-expect-error a class's constructor is no handler: the compiler refuses the class for Constructor alone
    @GrpcService(ObjectNamesServiceDescriptor)
    @Public()
    class Names extends NamesBase {
      override toString(): Promise<NamesReply> {
        return reply('Names.toString');
      }
      override toLocaleString(): Promise<NamesReply> {
        return reply('Names.toLocaleString');
      }
      override hasOwnProperty(): Promise<NamesReply> {
        return reply('Names.hasOwnProperty');
      }
    }
    const err = await rampartErrorOf(create(Names));
    expect(err.message).toContain('refusing to start: 1 problem(s)');
    expect(err.message).toContain('Names.constructor is missing: rpc Constructor');
  });

  it('an object given to implementService serves each with its own handler, Constructor included', async () => {
    class Inherited {
      valueOf(): Promise<NamesReply> {
        return reply('Inherited.valueOf');
      }
      isPrototypeOf(): Promise<NamesReply> {
        return reply('Inherited.isPrototypeOf');
      }
    }
    const handlers = Object.assign(new Inherited(), {
      toString: () => reply('own toString'),
      constructor: () => reply('own constructor'),
      hasOwnProperty: () => reply('own hasOwnProperty'),
      toLocaleString: () => reply('own toLocaleString'),
    });
    const Names = implementService(ObjectNamesServiceDescriptor, handlers, { auth: [Public()] });
    const app = await create(Names);
    const { address } = await app.listen();
    const client = createClient(ObjectNamesServiceDescriptor, { address, protoRoot, credentials: credentials.createInsecure() });
    try {
      expect(app.authMatrix().map((e) => [e.method, e.handler])).toEqual([
        ['ToString', 'ObjectNamesService.toString'],
        ['ValueOf', 'ObjectNamesService.valueOf'],
        ['Constructor', 'ObjectNamesService.constructor'],
        ['HasOwnProperty', 'ObjectNamesService.hasOwnProperty'],
        ['IsPrototypeOf', 'ObjectNamesService.isPrototypeOf'],
        ['ToLocaleString', 'ObjectNamesService.toLocaleString'],
      ]);
      expect(await client.toString({})).toEqual({ servedBy: 'own toString' });
      expect(await client.valueOf({})).toEqual({ servedBy: 'Inherited.valueOf' });
      expect(await client.constructor({})).toEqual({ servedBy: 'own constructor' });
      const { hasOwnProperty: hasOwn, isPrototypeOf: isPrototype } = client;
      expect(await hasOwn({})).toEqual({ servedBy: 'own hasOwnProperty' });
      expect(await isPrototype({})).toEqual({ servedBy: 'Inherited.isPrototypeOf' });
      expect(await client.toLocaleString({})).toEqual({ servedBy: 'own toLocaleString' });
    } finally {
      closeClient(client);
      await app.close({ graceMs: 500 });
    }
  });

  it('an object that lacks them does not start: what every object inherits serves nothing', async () => {
    // @ts-expect-error the compiler refuses it too; this checks the run-time refusal behind the types
    const Empty = implementService(ObjectNamesServiceDescriptor, {}, { auth: [Public()] });
    const err = await rampartErrorOf(create(Empty));
    expect(err.message).toContain('refusing to start: 6 problem(s)');
    expect(err.message).toContain('ObjectNamesService.toString is missing: rpc ToString');
    expect(err.message).toContain('ObjectNamesService.constructor is missing: rpc Constructor');
  });
});
