import { constants } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../fixtures/echo-service.js';
import { closedWithin, frame, goawayWithin, h2Session, rawH2Tls, startHostileServer, type HostileServer } from './hostile-support.js';

// Issue 18, item 2: HTTP/2 floods against a real server: rapid reset (CVE-2023-44487), PING, SETTINGS and WINDOW_UPDATE
// floods (header lists and CONTINUATION floods: header-abuse.spec.ts). The attacking connection may be cut; others served.

const PING = 0x6;
const SETTINGS = 0x4;
const WINDOW_UPDATE = 0x8;
const FLOW_CONTROL_ERROR = 0x3;
const INTERNAL_ERROR = 0x2;
const ECHO = '/rampart.test.v1.EchoService/Echo';

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server?.close());

describe('frame floods', () => {
  it('rapid reset: 5,000 streams opened and reset at once cost the server no more than its handlers, which end; it keeps serving', async () => {
    probe.reset();
    const session = h2Session(server);
    await new Promise<void>((resolve) => session.once('connect', () => resolve()));
    let opened = 0;
    try {
      for (let i = 0; i < 5_000 && !session.closed && !session.destroyed; i += 1) {
        const stream = session.request({ ':method': 'POST', ':path': ECHO, 'content-type': 'application/grpc', te: 'trailers' });
        stream.on('error', () => undefined);
        stream.close(constants.NGHTTP2_CANCEL);
        opened += 1;
      }
      await server.servesValidCall();
    } finally {
      session.destroy();
    }
    expect(opened).toBeGreaterThan(0);
    // No request message ever arrived: no Echo handler ran.
    expect(probe.calls.filter((c) => c === 'echo')).toEqual([]);
  });

  it('a PING flood the peer never reads the answers to gets the connection closed; the server keeps serving', async () => {
    const socket = await rawH2Tls(server);
    socket.pause(); // never read: the server's answers pile up
    const burst = Buffer.concat(Array.from({ length: 2_000 }, () => frame(PING, 0, 0, Buffer.alloc(8))));
    try {
      // 400,000 PINGs: nghttp2 closes a connection whose peer leaves too many answers unread.
      for (let i = 0; i < 200 && !socket.destroyed; i += 1) socket.write(burst);
      expect(await closedWithin(socket, 15_000)).toBe(true);
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });

  it('during a SETTINGS flood from a peer that never reads, other clients are served', async () => {
    const socket = await rawH2Tls(server);
    socket.pause();
    const burst = Buffer.concat(Array.from({ length: 2_000 }, () => frame(SETTINGS, 0, 0, Buffer.alloc(0))));
    try {
      for (let i = 0; i < 50 && !socket.destroyed; i += 1) socket.write(burst);
      await server.servesValidCall();
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });

  it('a WINDOW_UPDATE that overflows the connection window is a connection error (GOAWAY FLOW_CONTROL_ERROR); the server keeps serving', async () => {
    const socket = await rawH2Tls(server);
    const increment = Buffer.alloc(4);
    increment.writeUInt32BE(0x7fffffff, 0);
    const goaway = goawayWithin(socket, 10_000);
    try {
      socket.write(Buffer.concat(Array.from({ length: 1_000 }, () => frame(WINDOW_UPDATE, 0, 0, increment))));
      // A connection error: FLOW_CONTROL_ERROR as RFC 9113 6.9.1 says, or the INTERNAL_ERROR Node's HTTP/2 sends for it.
      expect([FLOW_CONTROL_ERROR, INTERNAL_ERROR]).toContain(await goaway);
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });
});
