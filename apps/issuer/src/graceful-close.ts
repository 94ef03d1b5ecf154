import type { ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';

/**
 * Closes an HTTPS server without cutting the requests under way: it stops accepting, closes idle connections, makes
 * the last response still to come on each connection its last (`Connection: close`) and closes each connection once
 * it is idle. After `graceMs` every socket still open is destroyed, also those still in their TLS handshake or
 * trickling a request's headers, which `closeAllConnections()` does not know of: a client cannot hold the process in
 * shutdown.
 *
 * It keeps the open sockets and, per open connection, its latest response, each dropped when its socket closes: a
 * response is never held by itself (on Node 20 and 22 a pipelined response whose connection went away emits neither
 * `'finish'` nor `'close'`).
 *
 * @example
 * ```ts
 * const server = createServer(tlsOptions, (req, res) => { shutdown.track(res); handle(req, res); });
 * const shutdown = new GracefulClose(server);
 * await shutdown.close(5_000, () => logger.warn('requests cut'));
 * ```
 */
export class GracefulClose {
  #closing: Promise<void> | undefined;
  /** Every TCP socket, from before its TLS handshake. */
  readonly #sockets = new Set<Socket>();
  /** The latest response of each connection (keyed by its TLS socket). */
  readonly #latest = new Map<Socket, ServerResponse>();

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Call first thing for every request, before anything is written. */
  track(res: ServerResponse): void {
    const socket = res.req.socket;
    if (this.#closing !== undefined) {
      // Only the last pipelined response may close the connection, or the ones queued after it would be dropped.
      const previous = this.#latest.get(socket);
      if (previous !== undefined && !previous.headersSent) previous.removeHeader('connection');
      res.setHeader('connection', 'close');
    }
    if (!socket.destroyed) {
      if (!this.#latest.has(socket)) socket.once('close', () => this.#latest.delete(socket));
      this.#latest.set(socket, res);
    }
    res.once('finish', () => {
      if (this.#closing !== undefined) setImmediate(() => this.server.closeIdleConnections());
    });
  }

  /**
   * Resolves once every connection is closed; `onCut` runs if some were still open after `graceMs`. A second call
   * gets the first call's promise.
   */
  close(graceMs: number, onCut: () => void): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      for (const res of this.#latest.values()) if (!res.headersSent) res.setHeader('connection', 'close');
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
    return this.#closing;
  }
}
