import type { Logger } from '@rampart/core';
import type { Server, TLSSocket } from 'node:tls';

/**
 * Refuses TLS renegotiation on every connection `server` accepts (`disableRenegotiation()` as soon as the first
 * handshake completes): a TLS 1.2 client that starts a new handshake on an open connection is logged and
 * disconnected before the handshake completes. Without it a client could authenticate with a trusted certificate,
 * then renegotiate with any other one: Node keeps `authorized` from the first handshake while
 * `getPeerX509Certificate()` returns the new certificate. HTTP/2 servers (grpc-js) refuse renegotiation already;
 * an HTTP/1.1 server with client certificates must do it itself.
 *
 * @example
 * ```ts
 * const server = https.createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: false }, app);
 * refuseRenegotiation(server, logger);
 * ```
 */
export function refuseRenegotiation(server: Server, logger: Logger): void {
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.disableRenegotiation();
    const peer = { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort };
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code !== 'ERR_TLS_RENEGOTIATION_DISABLED') return;
      socket.off('error', onError);
      logger.warn({ ...peer, reason: error.code }, 'TLS renegotiation refused; connection closed');
      socket.destroy();
    };
    socket.on('error', onError);
  });
}
