import { credentials } from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import { RampartError } from '@rampart/core';
import { cp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeClient, createClient } from '../src/index.js';
import { EchoDescriptor, writeEchoProto } from './tls/support/echo-server.js';
import { tempDir, type TempDir } from './tls/support/pki-dir.js';

/** Every proto file the client code loads, as (root, file). */
const loads = vi.hoisted(() => [] as string[]);
vi.mock('@grpc/proto-loader', async (importOriginal) => {
  const original = await importOriginal<typeof ProtoLoader>();
  return {
    ...original,
    loadSync: (file: string | string[], options?: ProtoLoader.Options) => {
      loads.push(`${String(options?.includeDirs?.[0])}:${String(file)}`);
      return original.loadSync(file, options);
    },
  };
});

let tmp: TempDir;
let protoRoot: string;
beforeAll(async () => {
  tmp = await tempDir();
  protoRoot = await writeEchoProto(tmp);
});
afterAll(() => tmp.remove());

describe('createClient shares loaded protos', () => {
  it('N clients of one descriptor load its proto file once; another proto root loads its own copy once', async () => {
    const made = Array.from({ length: 5 }, (_, i) =>
      createClient(EchoDescriptor, { address: `127.0.0.1:${1000 + i}`, protoRoot, credentials: credentials.createInsecure() }),
    );
    expect(loads).toEqual([`${protoRoot}:${EchoDescriptor.protoFile}`]);
    const otherRoot = tmp.path('other-protos');
    await cp(protoRoot, otherRoot, { recursive: true });
    made.push(
      createClient(EchoDescriptor, { address: '127.0.0.1:2000', protoRoot: otherRoot, credentials: credentials.createInsecure() }),
      createClient(EchoDescriptor, { address: '127.0.0.1:2001', protoRoot: otherRoot, credentials: credentials.createInsecure() }),
    );
    expect(loads).toEqual([`${protoRoot}:${EchoDescriptor.protoFile}`, `${otherRoot}:${EchoDescriptor.protoFile}`]);
    for (const client of made) closeClient(client);
  });

  it('a proto file that does not exist fails with ERR_SERVICE_DEFINITION naming it', () => {
    const missing = { ...EchoDescriptor, protoFile: 'rampart/test/v1/missing.proto' };
    const error = (() => {
      try {
        createClient(missing, { address: '127.0.0.1:1', protoRoot, credentials: credentials.createInsecure() });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RampartError);
    expect((error as RampartError).code).toBe('ERR_SERVICE_DEFINITION');
    expect((error as RampartError).message).toContain('could not load rampart/test/v1/missing.proto');
  });
});
