import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';

/** Key, certificate (chain) and trusted CA of one side of a handshake. */
export interface TlsSide {
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
}

/** What each side saw. */
export interface HandshakeOutcome {
  /** The message the server sent once both sides were verified; undefined if the connection failed. */
  readonly received: string | undefined;
  readonly clientError: (Error & { code?: string }) | undefined;
  readonly serverError: (Error & { code?: string }) | undefined;
  /** `socket.authorized` on the server for the accepted connection. */
  readonly serverAuthorized: boolean | undefined;
  /** Why the server refused the client certificate (`tlsSocket.authorizationError`), if it did. */
  readonly serverAuthorizationError: string | undefined;
  /** The client certificate's SANs as the server saw them. */
  readonly clientAltNames: string | undefined;
  /** The server certificate's SANs as the client saw them. */
  readonly serverAltNames: string | undefined;
}

const GREETING = 'verified';
const SETTLE_MS = 5_000;

/**
 * Runs a real mutual-TLS handshake over node:tls on 127.0.0.1, port 0: the server requires and verifies
 * a client certificate, the client verifies the server's certificate and host name (`localhost`).
 */
export async function mutualTlsHandshake(server: TlsSide, client: TlsSide): Promise<HandshakeOutcome> {
  let serverError: HandshakeOutcome['serverError'];
  let serverAuthorized: boolean | undefined;
  let serverAuthorizationError: string | undefined;
  let clientAltNames: string | undefined;
  let serverSettled!: () => void;
  const serverDone = new Promise<void>((resolve) => (serverSettled = resolve));

  const tlsServer = tls.createServer(
    { key: server.key, cert: server.cert, ca: server.ca, requestCert: true, rejectUnauthorized: true },
    (socket) => {
      serverAuthorized = socket.authorized;
      clientAltNames = socket.getPeerX509Certificate()?.subjectAltName;
      socket.end(GREETING);
      serverSettled();
    },
  );
  tlsServer.on('tlsClientError', (error, socket) => {
    serverError = error;
    serverAuthorizationError = authorizationErrorOf(socket);
    serverSettled();
  });
  tlsServer.listen(0, '127.0.0.1');
  await once(tlsServer, 'listening');
  const { port } = tlsServer.address() as AddressInfo;

  try {
    const clientOutcome = await new Promise<Pick<HandshakeOutcome, 'received' | 'clientError' | 'serverAltNames'>>(
      (resolve) => {
        let received = '';
        let serverAltNames: string | undefined;
        const socket = tls.connect({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          key: client.key,
          cert: client.cert,
          ca: client.ca,
          rejectUnauthorized: true,
        });
        socket.setEncoding('utf8');
        socket.on('secureConnect', () => {
          serverAltNames = socket.getPeerX509Certificate()?.subjectAltName;
        });
        socket.on('data', (chunk: string) => (received += chunk));
        socket.on('error', (clientError: Error & { code?: string }) => {
          resolve({ received: undefined, clientError, serverAltNames });
        });
        socket.on('close', () => {
          resolve({ received: received === '' ? undefined : received, clientError: undefined, serverAltNames });
        });
      },
    );
    // The server reports its side (accepted or refused) on its own schedule; wait for it, bounded.
    await Promise.race([serverDone, new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
    return { ...clientOutcome, serverError, serverAuthorized, serverAuthorizationError, clientAltNames };
  } finally {
    tlsServer.close();
  }
}

/** The greeting a verified connection receives. */
export const VERIFIED_GREETING = GREETING;

function authorizationErrorOf(socket: tls.TLSSocket): string | undefined {
  // Typed as Error, but Node sets the OpenSSL verification code as a string (e.g. 'CERT_HAS_EXPIRED').
  const reason: unknown = socket.authorizationError;
  if (typeof reason === 'string') return reason;
  return reason instanceof Error ? reason.message : undefined;
}
