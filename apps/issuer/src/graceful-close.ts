import type { ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';

/**
 * Closes an HTTPS server without cutting the requests under way: it stops accepting, closes idle connections, makes
 * each response still to come its connection's last (`Connection: close`) and closes the connection once it is
 * sent. After `graceMs` every socket still open is destroyed, also those still in their TLS handshake or trickling a
 * request's headers, which `closeAllConnections()` does not know of: a client cannot hold the process in shutdown.
 *
 * @example
 * ```ts
 * const server = createServer(tlsOptions, (req, res) => { shutdown.track(res); handle(req, res); });
 * const shutdown = new GracefulClose(server);
 * await shutdown.close(5_000, () => logger.warn('requests cut'));
 * ```
 */
export class GracefulClose {
  #closing = false;
  readonly #sockets = new Set<Socket>();
  readonly #responses = new Set<ServerResponse>();

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Call first thing for every request, before anything is written. */
  track(res: ServerResponse): void {
    if (this.#closing) res.setHeader('connection', 'close');
    this.#responses.add(res);
    res.once('finish', () => {
      if (this.#closing) setImmediate(() => this.server.closeIdleConnections());
    });
    res.once('close', () => this.#responses.delete(res));
  }

  /** Resolves once every connection is closed; `onCut` runs if some were still open after `graceMs`. */
  close(graceMs: number, onCut: () => void): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.#closing = true;
      for (const res of this.#responses) if (!res.headersSent) res.setHeader('connection', 'close');
      const cut = setTimeout(() => {
        onCut();
        for (const socket of this.#sockets) socket.destroy();
      }, graceMs);
      this.server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}
