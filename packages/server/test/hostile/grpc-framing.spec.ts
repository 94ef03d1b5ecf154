import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { probe } from '../fixtures/echo-service.js';
import { echoRequest, grpcMessage, h2Session, rawCall, startHostileServer, type HostileServer } from './hostile-support.js';

// Issue 18, item 2: gRPC messages that lie, crafted with Node's HTTP/2 client against a real server: each call ends
// with a status, no handler runs on a message that could not be read, and the server keeps serving.

const ECHO = '/rampart.test.v1.EchoService/Echo';
const COLLECT = '/rampart.test.v1.EchoService/Collect';
const STATUS = { OK: '0', DEADLINE_EXCEEDED: '4', RESOURCE_EXHAUSTED: '8', INTERNAL: '13' };

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer({ maxReceiveMessageBytes: 1_024 });
});
afterAll(() => server?.close());
beforeEach(() => probe.reset());

async function send(body: Buffer, options: Parameters<typeof rawCall>[3] = {}, path = ECHO) {
  const session = h2Session(server);
  try {
    return await rawCall(session, path, body, options);
  } finally {
    session.destroy();
  }
}

describe('gRPC framing that lies', () => {
  it('control: an honest message is answered OK', async () => {
    expect((await send(grpcMessage(echoRequest('hi')))).status).toBe(STATUS.OK);
    expect(probe.calls).toEqual(['echo']);
  });

  it('a length prefix longer than what follows, then END_STREAM: an error status, no handler', async () => {
    const result = await send(grpcMessage(echoRequest('hi'), { claimedLength: 100 }));
    // grpc-js answers a message cut short by END_STREAM with an error status (UNIMPLEMENTED in 1.14).
    expect(result.status).toBeDefined();
    expect(result.status).not.toBe(STATUS.OK);
    expect(probe.calls).toEqual([]);
  });

  it('a length prefix of 4 GiB: RESOURCE_EXHAUSTED at once, no handler', async () => {
    expect((await send(grpcMessage(echoRequest('hi'), { claimedLength: 0xffffffff }))).status).toBe(STATUS.RESOURCE_EXHAUSTED);
    expect(probe.calls).toEqual([]);
  });

  it('the compressed flag without grpc-encoding: the call ends with a status and the server keeps serving', async () => {
    // The gRPC spec calls this a protocol error (INTERNAL); grpc-js 1.14 reads the bytes as uncompressed instead, so
    // the message is what it says it is. Nothing is decompressed, so nothing can be inflated: recorded, not refused.
    const result = await send(grpcMessage(echoRequest('hi'), { compressed: true }));
    expect(result.status).toBeDefined();
    await server.servesValidCall();
  });

  it('a message over server.maxReceiveMessageBytes: RESOURCE_EXHAUSTED, no handler', async () => {
    expect((await send(grpcMessage(echoRequest('x'.repeat(120)).subarray(0, 2), { claimedLength: 2_048 }))).status).toBe(STATUS.RESOURCE_EXHAUSTED);
    const big = Buffer.concat([Buffer.from([0x0a, 0x80, 0x10]), Buffer.alloc(2_048, 0x61)]); // text of 2048 bytes
    expect((await send(grpcMessage(big))).status).toBe(STATUS.RESOURCE_EXHAUSTED);
    expect(probe.calls).toEqual([]);
  });

  it('a client stream that never ends, past its deadline: DEADLINE_EXCEEDED from the server, the handler is let go', async () => {
    const started = Date.now();
    const result = await send(grpcMessage(echoRequest('one')), { keepOpen: true, headers: { 'grpc-timeout': '300m' } }, COLLECT);
    expect(result.status).toBe(STATUS.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(probe.received).toEqual(['one']);
    await server.servesValidCall();
    expect(server.app.state).toBe('listening');
  });
});
