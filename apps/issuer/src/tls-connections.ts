import type { Logger } from '@rampart/core';
import type { Server, TLSSocket } from 'node:tls';

/**
 * How {@link refuseRenegotiation} limits its log lines, for the whole server: the first `burst` refusals of a window
 * of `intervalMs` are logged one by one, with the peer; the rest are counted, and when the window ends one line says
 * how many were not logged and from which addresses (a few of them).
 */
export interface RefusalLogLimit {
  readonly burst: number;
  readonly intervalMs: number;
}

/** At most 5 lines with their peer a minute, plus one line counting the rest. */
const DEFAULT_LIMIT: RefusalLogLimit = { burst: 5, intervalMs: 60_000 };
/** How many distinct addresses the counting line names. */
const MAX_ADDRESSES_NAMED = 5;

/**
 * Refuses TLS renegotiation on every connection `server` accepts (`disableRenegotiation()` as soon as the first
 * handshake completes): a TLS 1.2 client that starts a new handshake on an open connection is logged and
 * disconnected before the handshake completes. Without it a client could authenticate with a trusted certificate,
 * then renegotiate with any other one: Node keeps `authorized` from the first handshake while
 * `getPeerX509Certificate()` returns the new certificate. HTTP/2 servers (grpc-js) refuse renegotiation already;
 * an HTTP/1.1 server with client certificates must do it itself. Every refusal closes its connection; the log lines
 * are limited ({@link RefusalLogLimit}) so that a client reconnecting and renegotiating in a loop does not decide how
 * much the issuer logs.
 *
 * @example
 * ```ts
 * const server = https.createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: false }, app);
 * refuseRenegotiation(server, logger);
 * ```
 */
export function refuseRenegotiation(server: Server, logger: Logger, limit: RefusalLogLimit = DEFAULT_LIMIT): void {
  const log = new RefusalLog(logger, limit);
  server.on('close', () => log.close());
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.disableRenegotiation();
    const peer = { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort };
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code !== 'ERR_TLS_RENEGOTIATION_DISABLED') return;
      socket.off('error', onError);
      log.refused(peer, error.code);
      socket.destroy();
    };
    socket.on('error', onError);
  });
}

/**
 * The refusals' log lines, limited per server rather than per address: the volume stays bounded however many
 * addresses a client connects from, and nothing here grows with them.
 */
class RefusalLog {
  #windowEndsAt = Number.NEGATIVE_INFINITY;
  #logged = 0;
  #notLogged = 0;
  readonly #addresses = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly limit: RefusalLogLimit,
  ) {}

  refused(peer: { remoteAddress: string | undefined; remotePort: number | undefined }, reason: string): void {
    const now = performance.now(); // monotonic: a clock stepped back does not stretch the window
    if (now >= this.#windowEndsAt) {
      this.#windowEndsAt = now + this.limit.intervalMs;
      this.#logged = 0;
    }
    if (this.#logged < this.limit.burst) {
      this.#logged += 1;
      this.logger.warn({ ...peer, reason }, 'TLS renegotiation refused; connection closed');
      return;
    }
    this.#notLogged += 1;
    if (peer.remoteAddress !== undefined && this.#addresses.size < MAX_ADDRESSES_NAMED) this.#addresses.add(peer.remoteAddress);
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#flush(), this.#windowEndsAt - now);
      this.#timer.unref();
    }
  }

  /** Writes the counting line now if it is due, and stops the timer. */
  close(): void {
    this.#flush();
  }

  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#notLogged === 0) return;
    this.logger.warn(
      { notLogged: this.#notLogged, remoteAddresses: [...this.#addresses], intervalMs: this.limit.intervalMs, burst: this.limit.burst },
      'TLS renegotiation refused more often than logged; connections closed',
    );
    this.#notLogged = 0;
    this.#addresses.clear();
  }
}
