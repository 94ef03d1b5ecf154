import { credentials } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import { GrpcMethod, GrpcService, Public, RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';
import { protoRoot, rejectionOf, testConfigValues } from './fixtures/harness.js';
import { ObjectNamesServiceDescriptor, type NamesReply } from './generated/index.js';

// RPCs named ToString, ValueOf, Constructor, HasOwnProperty, IsPrototypeOf and ToLocaleString: their handler names
// are members of every object (Object.prototype, or the class's own `constructor`). Only what the class (or a base
// class of it) really implements may serve them.

const SERVICE = 'rampart.test.v1.ObjectNamesService';
const create = (service: new () => object) =>
  createApp({
    name: 'object-names',
    services: [service],
    protos: { root: protoRoot },
    config: { values: testConfigValues, env: {} },
    handleSignals: false,
  });

describe('RPCs named like Object.prototype members', () => {
  it('a class that implements none of them does not start, and the error names each one', async () => {
    @GrpcService(SERVICE)
    @Public()
    class Unimplemented {}
    const err = await rejectionOf(create(Unimplemented));
    expect(err).toBeInstanceOf(RampartError);
    const { code, message } = err as RampartError;
    expect(code).toBe('ERR_SERVICE_DEFINITION');
    expect(message).toContain('refusing to start: 6 problem(s)');
    for (const [rpc, name] of [
      ['ToString', 'toString'],
      ['ValueOf', 'valueOf'],
      ['Constructor', 'constructor'],
      ['HasOwnProperty', 'hasOwnProperty'],
      ['IsPrototypeOf', 'isPrototypeOf'],
      ['ToLocaleString', 'toLocaleString'],
    ] as const) {
      expect(message).toContain(
        `Unimplemented.${name} is missing: rpc ${rpc} of ${SERVICE} has no handler (add the method, or map one with @GrpcMethod('${rpc}')); ${name} inherited from Object does not count`,
      );
    }
  });

  it('a class that implements them (itself, in a base class, or with @GrpcMethod) serves each with its own handler', async () => {
    const reply = (servedBy: string): Promise<NamesReply> => Promise.resolve({ servedBy });
    class Constructing {
      @GrpcMethod('Constructor')
      construct(): Promise<NamesReply> {
        return reply('Constructing.construct');
      }
    }
    class NamesBase extends Constructing {
      override valueOf(): Promise<NamesReply> {
        return reply('NamesBase.valueOf');
      }
      override isPrototypeOf(): Promise<NamesReply> {
        return reply('NamesBase.isPrototypeOf');
      }
    }
    @GrpcService(SERVICE)
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
    const app = await create(Names);
    const { address } = await app.listen();
    const client = createClient(ObjectNamesServiceDescriptor, { address, protoRoot, credentials: credentials.createInsecure() });
    try {
      expect(app.authMatrix().map((e) => [e.method, e.handler])).toEqual([
        ['ToString', 'Names.toString'],
        ['ValueOf', 'Names.valueOf'],
        ['Constructor', 'Names.construct'],
        ['HasOwnProperty', 'Names.hasOwnProperty'],
        ['IsPrototypeOf', 'Names.isPrototypeOf'],
        ['ToLocaleString', 'Names.toLocaleString'],
      ]);
      expect(await client.toString({})).toEqual({ servedBy: 'Names.toString' });
      expect(await client.valueOf({})).toEqual({ servedBy: 'NamesBase.valueOf' });
      expect(await client.constructor({})).toEqual({ servedBy: 'Constructing.construct' });
      const { hasOwnProperty: hasOwn, isPrototypeOf: isPrototype } = client;
      expect(await hasOwn({})).toEqual({ servedBy: 'Names.hasOwnProperty' });
      expect(await isPrototype({})).toEqual({ servedBy: 'NamesBase.isPrototypeOf' });
      expect(await client.toLocaleString({})).toEqual({ servedBy: 'Names.toLocaleString' });
    } finally {
      closeClient(client);
      await app.close({ graceMs: 500 });
    }
  });
});
