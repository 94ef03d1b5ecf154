import { GrpcService, Public, type CallContext } from '@rampart/core';
import { collect } from '@rampart/test-support';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  EchoServiceDescriptor,
  type CountRequest__Output,
  type EchoRequest__Output,
  type EchoResponse,
} from './generated/index.js';
import { PingService } from './fixtures/echo-service.js';
import { startEchoApp, testConfigValues, type Started } from './fixtures/harness.js';
import { FRAME, H2_ERROR, RawH2Peer, type Frame } from './fixtures/raw-h2-peer.js';

// Issue 16, item 12: server.maxConcurrentStreams bounds the calls one connection may have open at once (HTTP/2
// SETTINGS_MAX_CONCURRENT_STREAMS). A client that honours it waits; a peer that ignores it is refused by HTTP/2.

/** Chat calls that stay in their handler until released; counts how many were in handlers at once. */
const gate = {
  started: 0,
  inFlight: 0,
  max: 0,
  release: (): void => undefined,
  opened: Promise.resolve(),
  reset(): void {
    this.started = 0;
    this.inFlight = 0;
    this.max = 0;
    this.opened = new Promise<void>((resolve) => (this.release = resolve));
  },
};

@GrpcService(EchoServiceDescriptor)
@Public()
class GatedEchoService {
  echo(req: EchoRequest__Output): Promise<EchoResponse> {
    return Promise.resolve({ text: req.text, index: 0 });
  }

  // eslint-disable-next-line require-yield
  async *count(_req: CountRequest__Output): AsyncIterable<EchoResponse> {
    return;
  }

  // eslint-disable-next-line require-yield
  *tally(_req: CountRequest__Output): Iterable<EchoResponse> {
    return;
  }

  collect(): Promise<EchoResponse> {
    return Promise.resolve({ text: '', index: 0 });
  }

  async *chat(_requests: AsyncIterable<EchoRequest__Output>, _ctx: CallContext): AsyncIterable<EchoResponse> {
    gate.started += 1;
    gate.inFlight += 1;
    gate.max = Math.max(gate.max, gate.inFlight);
    try {
      await gate.opened;
      yield { text: 'done', index: gate.started };
    } finally {
      gate.inFlight -= 1;
    }
  }
}

const started: Started[] = [];
const start = async (maxConcurrentStreams?: number): Promise<Started> => {
  gate.reset();
  const server = maxConcurrentStreams === undefined ? testConfigValues.server : { ...testConfigValues.server, maxConcurrentStreams };
  const s = await startEchoApp({ services: [GatedEchoService, PingService], values: { server } });
  started.push(s);
  return s;
};
afterEach(async () => {
  gate.release();
  for (const s of started.splice(0)) await s.close();
});

const CHAT = '/rampart.test.v1.EchoService/Chat';

describe('server.maxConcurrentStreams', () => {
  it('is advertised in the server SETTINGS: 1000 by default, the configured value otherwise', async () => {
    const byDefault = await start();
    const peer = await RawH2Peer.connect(Number(byDefault.address.split(':')[1]));
    expect(peer.advertisedMaxConcurrentStreams).toBe(1000);
    peer.close();
    const two = await start(2);
    const limited = await RawH2Peer.connect(Number(two.address.split(':')[1]));
    expect(limited.advertisedMaxConcurrentStreams).toBe(2);
    limited.close();
  });

  it('a grpc-js client with more calls than allowed on one connection: the extra call waits for a free stream, then runs', async () => {
    const s = await start(2);
    const calls = [0, 1, 2].map(() => collect(s.echo.chat([])));
    await vi.waitFor(() => expect(gate.inFlight).toBe(2), { timeout: 5_000, interval: 10 });
    // Time for a third stream to arrive, were it sent (the assertion does not depend on how long this takes).
    await sleep(300);
    expect({ started: gate.started, inFlight: gate.inFlight }).toEqual({ started: 2, inFlight: 2 });
    gate.release();
    const results = await Promise.all(calls);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
    expect({ started: gate.started, max: gate.max }).toEqual({ started: 3, max: 2 });
  });

  it('a peer that ignores the limit and opens one stream too many is refused by HTTP/2, and that call never reaches a handler', async () => {
    const s = await start(2);
    const peer = await RawH2Peer.connect(Number(s.address.split(':')[1]));
    try {
      peer.openCall(1, CHAT);
      peer.openCall(3, CHAT);
      peer.openCall(5, CHAT);
      // Either the server refuses stream 5, or (without a limit) all three calls reach the handler.
      const refused = (f: Frame): boolean => (f.type === FRAME.RST_STREAM && f.streamId === 5) || f.type === FRAME.GOAWAY;
      await vi.waitFor(() => expect(peer.frames.some(refused) || gate.started === 3).toBe(true), { timeout: 5_000, interval: 10 });
      const refusal = peer.frames.find(refused);
      expect(refusal, `stream 5 was accepted: ${gate.started} calls reached the handler`).toBeDefined();
      if (refusal!.type === FRAME.RST_STREAM) {
        // RFC 9113 5.1.2: a stream error of type REFUSED_STREAM or PROTOCOL_ERROR.
        expect([H2_ERROR.REFUSED_STREAM, H2_ERROR.PROTOCOL_ERROR]).toContain(refusal!.payload.readUInt32BE(0));
      } else {
        // Node's HTTP/2 treats it as a connection error: GOAWAY whose last stream id says stream 5 was not processed.
        expect(refusal!.payload.readUInt32BE(0) & 0x7fffffff).toBe(3);
      }
      expect(gate.started).toBeLessThanOrEqual(2);
    } finally {
      peer.close();
    }
  });

  it('0 stops start-up naming the key and the fix', async () => {
    await expect(start(0)).rejects.toThrow(
      /^server\.maxConcurrentStreams is 0: a connection needs at least 1 stream\. Fix: set RAMPART_SERVER_MAX_CONCURRENT_STREAMS to 1\.\.4294967295/,
    );
  });
});
