import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { FrameDecoder } from './grpc-frame.js';
import type { GrpcRequest, GrpcTransport, OnMessage, RawResult, RawTarget } from './transport.js';

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE } = constants;

/**
 * One HTTP/2 connection speaking gRPC framing directly: a fraction of a grpc-js client's CPU per call, so a load
 * generator on one core can keep a grpc-js server on the other busy. Open several for several connections (unlike
 * grpc-js channels, which share one unless `grpc.use_local_subchannel_pool` is set).
 *
 * @example
 * ```ts
 * const conn = await RawGrpcConnection.open({ port, tls: { caPem } });
 * const { status, messages } = await conn.call({ path: '/rampart.bench.v1.BenchService/Echo' }, frame(encodeEcho('hi')));
 * conn.close();
 * ```
 */
export class RawGrpcConnection implements GrpcTransport {
  readonly #headers = new WeakMap<GrpcRequest, OutgoingHttpHeaders>();

  #goaway = false;

  private constructor(private readonly session: ClientHttp2Session) {
    session.once('goaway', () => (this.#goaway = true));
  }

  /** Connects (TLS with ALPN h2, or h2c) and waits until the session is up. */
  static open(target: RawTarget): Promise<RawGrpcConnection> {
    const host = target.host ?? '127.0.0.1';
    const tls = target.tls;
    const session = tls
      ? connect(`https://${host}:${target.port}`, {
          ca: tls.caPem,
          servername: tls.servername ?? 'localhost',
          ...(tls.certPem !== undefined && tls.keyPem !== undefined ? { cert: tls.certPem, key: tls.keyPem } : {}),
        })
      : connect(`http://${host}:${target.port}`);
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        session.destroy();
        reject(error);
      };
      session.once('error', fail);
      session.once('connect', () => {
        session.off('error', fail);
        // Errors after connecting surface on the streams; a session-level one must not crash the process.
        session.on('error', () => undefined);
        resolve(new RawGrpcConnection(session));
      });
    });
  }

  /** Headers of a gRPC call to `path`, plus `extra` (e.g. `authorization`). */
  static headers(path: string, extra: Readonly<Record<string, string>> = {}): OutgoingHttpHeaders {
    return {
      [HTTP2_HEADER_METHOD]: 'POST',
      [HTTP2_HEADER_PATH]: path,
      [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      [HTTP2_HEADER_TE]: 'trailers',
      ...extra,
    };
  }

  /**
   * One call: sends `body` (an already framed request message) and half-closes, then collects the response
   * messages until the trailers. Never rejects: a failed stream resolves with status -1.
   */
  call(request: GrpcRequest, body: Buffer, onMessage?: OnMessage): Promise<RawResult> {
    let headers = this.#headers.get(request);
    if (headers === undefined) {
      headers = RawGrpcConnection.headers(request.path, request.authorization === undefined ? {} : { authorization: request.authorization });
      this.#headers.set(request, headers);
    }
    return new Promise((resolve) => {
      let status = -1;
      let message = '';
      const messages: Buffer[] = [];
      const decoder = new FrameDecoder();
      const take = (h: IncomingHttpHeaders): void => {
        const s = h['grpc-status'];
        if (typeof s === 'string') status = Number(s);
        const m = h['grpc-message'];
        if (typeof m === 'string') message = decodeURIComponent(m);
      };
      let stream;
      try {
        stream = this.session.request(headers);
      } catch (error) {
        // The session is closed or going away: nothing reached the server.
        resolve({ status: -1, message: error instanceof Error ? error.message : String(error), messages, unprocessed: true });
        return;
      }
      stream.on('response', take);
      stream.on('trailers', take);
      stream.on('data', (chunk: Buffer) => {
        for (const m of decoder.push(chunk)) {
          if (onMessage) onMessage(m);
          else messages.push(m);
        }
      });
      stream.on('error', (error: Error) => {
        if (message === '') message = error.message;
      });
      stream.on('close', () =>
        resolve(
          status === -1 && stream.rstCode === constants.NGHTTP2_REFUSED_STREAM
            ? { status, message, messages, unprocessed: true }
            : { status, message, messages },
        ),
      );
      stream.end(body);
    });
  }

  /** Closes the connection (in-flight calls finish first). */
  /** Whether new calls can start here (the session is open and the server sent no GOAWAY). */
  get accepting(): boolean {
    return !this.session.closed && !this.session.destroyed && !this.#goaway;
  }

  close(): void {
    this.session.close();
  }

  /** Closes the connection at once. */
  destroy(): void {
    this.session.destroy();
  }
}
