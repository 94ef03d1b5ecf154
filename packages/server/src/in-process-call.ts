import { X509Certificate } from 'node:crypto';
import { Duplex } from 'node:stream';
import { Metadata, type Deadline, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { receivedError, Status, type RampartError } from '@rampart/core';

/** What grpc-js's `getAuthContext()` returns (the type is not exported by name). */
type AuthContext = ReturnType<ServerUnaryCall<unknown, unknown>['getAuthContext']>;

/** How an in-process call ended: its gRPC status and details, and what the handler sent. */
export interface InProcessOutcome<Res = unknown> {
  /** The gRPC status code (0: OK). */
  readonly status: number;
  /** The status message the client would get (the error's public message; empty on OK). */
  readonly details: string;
  /** What a Rampart client would have thrown (`code`, `metadata`, `details` included); undefined on OK. */
  readonly error?: RampartError;
  /** The unary or client-stream response (undefined for streams of responses and failed calls). */
  readonly response: Res | undefined;
  /** What a server-stream or bidi handler sent, in order (also the messages sent before a failure). */
  readonly responses: readonly Res[];
  /** The response headers the call sent (`ctx.responseHeaders`), when it sent any. */
  readonly headers?: Readonly<Record<string, readonly (string | Buffer)[]>>;
  /** The response trailers of a call that succeeded (`ctx.responseTrailers`), when it sent any; a failed call's are on `error.metadata`. */
  readonly trailers?: Readonly<Record<string, readonly (string | Buffer)[]>>;
}

/** What an in-process call brings along, standing in for the connection and the metadata. */
export interface InProcessCallOptions {
  /** Request metadata, e.g. `{ authorization: 'Bearer …' }`. */
  readonly metadata?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * The client certificate (PEM or DER) the call's connection is taken to have presented and TLS to have verified:
   * no handshake happens, nothing checks it against the trust store (see {@link inProcessInvoker}).
   */
  readonly peerCertificate?: string | Buffer;
  /** The call's deadline: the call is cancelled when it passes, as grpc-js does. */
  readonly deadline?: Date;
}

/**
 * A grpc-js handler call without a transport: what Rampart's handler adapters read of the real one (`request`,
 * `metadata`, `getDeadline`, `getAuthContext`, the `cancelled` event, a readable side of request messages and a
 * writable side for responses, `error` for a failed stream).
 */
export class InProcessCall extends Duplex {
  readonly metadata = new Metadata();
  readonly responses: unknown[] = [];
  /** The response headers, once sent. */
  headers: Metadata | undefined;
  /** The trailers a stream ended with. */
  trailers: Metadata | undefined;
  readonly #auth: AuthContext;

  constructor(
    readonly request: unknown,
    private readonly options: InProcessCallOptions,
    private readonly decodeResponse: (message: unknown) => unknown,
  ) {
    super({ objectMode: true });
    for (const [key, value] of Object.entries(options.metadata ?? {})) {
      for (const item of typeof value === 'string' ? [value] : value) this.metadata.add(key, item);
    }
    const cert = options.peerCertificate;
    const raw = cert === undefined ? undefined : new X509Certificate(cert).raw;
    this.#auth = raw === undefined ? {} : ({ transportSecurityType: 'ssl', sslPeerCertificate: { raw } } as AuthContext);
  }

  getDeadline(): Deadline {
    return this.options.deadline ?? Infinity;
  }

  getAuthContext(): AuthContext {
    return this.#auth;
  }

  getPeer(): string {
    return 'in-process';
  }

  sendMetadata(headers: Metadata): void {
    this.headers ??= headers;
  }

  /** Ends the response side; as grpc-js's server streams, it takes the trailers to send with the status. */
  override end(...args: unknown[]): this {
    const [first] = args;
    if (first instanceof Metadata) {
      this.trailers = first;
      return super.end();
    }
    return super.end(...(args as Parameters<Duplex['end']>));
  }

  /** The headers and trailers part of an outcome (nothing when none were sent). */
  sentMetadata(trailers: Metadata | undefined = this.trailers): Pick<InProcessOutcome, 'headers' | 'trailers'> {
    return {
      ...(this.headers !== undefined ? { headers: this.headers.toJSON() } : {}),
      ...(trailers !== undefined ? { trailers: trailers.toJSON() } : {}),
    };
  }

  /** Feeds request messages to the handler's request stream, then ends it. */
  async feed(requests: Iterable<unknown> | AsyncIterable<unknown>, decode: (message: unknown) => unknown): Promise<void> {
    for await (const message of requests) this.push(decode(message));
    this.push(null);
  }

  override _read(): void {
    // Messages are pushed by feed().
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.responses.push(this.decodeResponse(chunk));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  /** The outcome of a failed call, from the ServiceError-shaped object the adapters send. */
  outcomeOf(error: Partial<ServiceError>): InProcessOutcome {
    const status = error.code ?? Status.UNKNOWN;
    const details = error.details ?? '';
    const trailers = Object.entries(error.metadata?.toJSON() ?? {});
    return {
      status,
      details,
      error: receivedError({ status, message: details, trailers }),
      response: undefined,
      responses: [...this.responses],
      ...(this.headers !== undefined ? { headers: this.headers.toJSON() } : {}),
    };
  }
}
