import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisServer, redisInstalled, SKIP_REASON } from '../src/index.js';

/** What redis-server on `port` answers to PING, or the socket error's code. */
function ping(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
  });
}

describe.skipIf(!redisInstalled)(`RedisServer${SKIP_REASON}`, () => {
  const servers: RedisServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it('starts on a free loopback port, stops, and starts again on the same port', async () => {
    const server = await RedisServer.start();
    servers.push(server);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await ping(server.port)).toBe('+PONG');
    await server.stop();
    expect(server.running).toBe(false);
    expect(await ping(server.port)).toBe('ECONNREFUSED');
    await server.restart();
    expect(await ping(server.port)).toBe('+PONG');
  });

  it('with a password, asks for it, and puts it in urlWithPassword only', async () => {
    const server = await RedisServer.start({ password: 'p@ss word' });
    servers.push(server);
    expect(await ping(server.port)).toMatch(/^-NOAUTH/);
    expect(server.url).not.toContain('p@ss');
    expect(server.urlWithPassword).toBe(`redis://:${encodeURIComponent('p@ss word')}@127.0.0.1:${server.port}`);
  });

  it('paused, keeps the connection open but does not answer', async () => {
    const server = await RedisServer.start();
    servers.push(server);
    server.pause();
    try {
      expect(await ping(server.port)).toBe('timeout');
    } finally {
      server.resume();
    }
    expect(await ping(server.port)).toBe('+PONG');
  });
});
