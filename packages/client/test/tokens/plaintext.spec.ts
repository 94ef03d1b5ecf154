import { credentials } from '@grpc/grpc-js';
import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { createClient, type TokenSource } from '../../src/index.js';

describe('tokens are never sent over plaintext', () => {
  it('refuses to create a client that would attach tokens to an insecure channel', () => {
    let asked = 0;
    const source: TokenSource = {
      token: () => {
        asked += 1;
        return Promise.resolve('secret-token');
      },
      exchange: () => Promise.resolve('secret-token'),
    };
    let caught: unknown;
    try {
      createClient(
        { typeName: 'grpc.health.v1.Health', protoFile: 'health.proto', methods: {} },
        { address: '127.0.0.1:1', protoRoot: '.', credentials: credentials.createInsecure(), tokens: { source, audience: 'inventory' } },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RampartError);
    expect((caught as RampartError).code).toBe('ERR_INSECURE_TRANSPORT');
    expect((caught as RampartError).message).toContain('refusing to send bearer tokens for inventory over a plaintext channel');
    expect(asked).toBe(0);
  });
});
