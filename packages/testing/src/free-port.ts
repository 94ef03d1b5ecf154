import { createServer } from 'node:net';

/**
 * A TCP port free on `host` a moment ago, for a setting where 0 does not mean "any free port" (e.g.
 * `server.healthPort`, where 0 turns the health port off). Another process may take it before it is used.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
