import type { GrpcRequest, GrpcTransport, OnMessage, RawResult } from './transport.js';

/**
 * A connection that is replaced when it stops taking calls, as a gRPC client's channel does: a Rampart server ages
 * its connections (`server.maxConnectionAgeMs`, 120 s by default) with a GOAWAY, and a load generator that kept
 * calling on the old connection would see every later call fail at once. The next call after that waits for one new
 * connection (opened once, whoever asks first); the old one finishes the calls it had and closes. A call the server
 * never processed (sent before its GOAWAY arrived, or refused) is sent once more on the new connection, as gRPC
 * clients do transparently.
 */
export class ReconnectingTransport implements GrpcTransport {
  #current: GrpcTransport;
  #opening: Promise<GrpcTransport> | undefined;
  #reconnects = 0;

  constructor(
    first: GrpcTransport,
    private readonly open: () => Promise<GrpcTransport>,
  ) {
    this.#current = first;
  }

  /** How many times the connection was replaced. */
  get reconnects(): number {
    return this.#reconnects;
  }

  get accepting(): boolean {
    return true;
  }

  call(request: GrpcRequest, body: Buffer, onMessage?: OnMessage, retried = false): Promise<RawResult> {
    if (!this.#current.accepting) {
      return this.#replace().then(
        () => this.call(request, body, onMessage, retried),
        (error: unknown) => ({ status: -1, message: `reconnect failed: ${String(error)}`, messages: [] }),
      );
    }
    const result = this.#current.call(request, body, onMessage);
    return retried ? result : result.then((r) => (r.unprocessed === true ? this.call(request, body, onMessage, true) : r));
  }

  close(): void {
    this.#current.close();
  }

  destroy(): void {
    this.#current.destroy();
  }

  #replace(): Promise<GrpcTransport> {
    this.#opening ??= this.open().then(
      (next) => {
        this.#current = next;
        this.#reconnects += 1;
        this.#opening = undefined;
        return next;
      },
      (error: unknown) => {
        this.#opening = undefined;
        throw error;
      },
    );
    return this.#opening;
  }
}
