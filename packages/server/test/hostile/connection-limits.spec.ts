import { eventually } from '@rampart/test-support';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedWithin, h2Session, rawH2Tls, startHostileServer, type HostileServer } from './hostile-support.js';

// Issue 18, item 2: connections that take a socket and give nothing: a handshake that never finishes (slowloris),
// thousands of them, more connections than the port takes, a connection that stays idle. Each is closed by the
// server, which goes on answering valid calls.

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer({ handshakeTimeoutMs: 300, maxConnections: 3_000, idleTimeoutMs: 400 });
});
afterAll(() => server?.close());

const tcp = (): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });

describe('connections that give nothing', () => {
  it('slowloris: a connection that never sends its TLS ClientHello is closed after server.handshakeTimeoutMs', async () => {
    const socket = await tcp();
    socket.on('error', () => undefined);
    try {
      // Node's default is 120 s; the setting makes it 300 ms here.
      expect(await closedWithin(socket, 5_000)).toBe(true);
    } finally {
      socket.destroy();
    }
    await server.servesValidCall();
  });

  it('a thousand connections that never handshake are all closed, and valid calls are served meanwhile', async () => {
    const sockets = await Promise.all(Array.from({ length: 1_000 }, () => tcp()));
    for (const s of sockets) s.on('error', () => undefined);
    try {
      await server.servesValidCall();
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, 20_000)));
      expect(closed.filter((c) => !c)).toHaveLength(0);
    } finally {
      for (const s of sockets) s.destroy();
    }
    await server.servesValidCall();
  });

  it('a connection with no call for server.idleTimeoutMs gets GOAWAY and is closed', async () => {
    const session = h2Session(server);
    await new Promise<void>((resolve) => session.once('connect', () => resolve()));
    const goaway = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      session.once('goaway', () => (clearTimeout(timer), resolve(true)));
    });
    try {
      expect(await goaway).toBe(true);
    } finally {
      session.destroy();
    }
  });
});

describe('server.maxConnections', () => {
  it('past the limit a new connection is closed as it arrives; below it connections are taken again', async () => {
    const limited = await startHostileServer({ maxConnections: 3, handshakeTimeoutMs: 10_000 });
    const held = await Promise.all([rawH2Tls(limited), rawH2Tls(limited), rawH2Tls(limited)]);
    try {
      const extra = connect({ host: '127.0.0.1', port: limited.port });
      extra.on('error', () => undefined);
      expect(await closedWithin(extra, 5_000)).toBe(true);
      for (const s of held) s.destroy();
      await eventually(() => limited.servesValidCall()); // once the server has seen the held connections close
    } finally {
      for (const s of held) s.destroy();
      await limited.close();
    }
  });
});
