import { connect as connectHttp2 } from 'node:http2';
import { connect as connectTls } from 'node:tls';
import type { RawResult } from './raw-h2.js';

/** Options of {@link unaryOnResumableTls}. */
export interface ResumableCallOptions {
  readonly port: number;
  readonly caPem: string;
  readonly client: { readonly certPem: string; readonly keyPem: string };
  readonly path: string;
  /** The serialized request message. */
  readonly request: Buffer;
  /** A TLS session of an earlier connection to resume (a session ticket), as {@link unaryOnResumableTls} returned it. */
  readonly session?: Buffer | undefined;
}

/** The call's outcome, whether its connection resumed a session, and the session to resume next time. */
export interface ResumableResult extends RawResult {
  readonly resumed: boolean;
  readonly session: Buffer | undefined;
}

/**
 * A unary gRPC call on a new TLS connection that resumes `session` when given (what Envoy upstreams, Node's https
 * Agent and undici do on every reconnect; grpc-js does not). A resumed session carries the client's leaf certificate
 * only, not the intermediates sent at its full handshake. Test use only.
 *
 * @example
 * ```ts
 * const first = await unaryOnResumableTls({ port, caPem, client, path, request });
 * const again = await unaryOnResumableTls({ port, caPem, client, path, request, session: first.session });
 * again.resumed; // true
 * ```
 */
export async function unaryOnResumableTls(options: ResumableCallOptions): Promise<ResumableResult> {
  let ticket: Buffer | undefined;
  const tls = connectTls({
    host: '127.0.0.1',
    port: options.port,
    servername: 'localhost',
    ca: options.caPem,
    cert: options.client.certPem,
    key: options.client.keyPem,
    ALPNProtocols: ['h2'],
    ...(options.session ? { session: options.session } : {}),
  });
  tls.on('session', (session: Buffer) => {
    ticket = session;
  });
  const session = connectHttp2(`https://localhost:${options.port}`, { createConnection: () => tls });
  try {
    const result = await new Promise<RawResult>((resolve, reject) => {
      session.once('error', reject);
      const stream = session.request({ ':method': 'POST', ':path': options.path, 'content-type': 'application/grpc', te: 'trailers' });
      let status: number | undefined;
      let message = '';
      const data: Buffer[] = [];
      const take = (headers: Record<string, unknown>): void => {
        if (headers['grpc-status'] !== undefined) status = Number(headers['grpc-status']);
        if (typeof headers['grpc-message'] === 'string') message = decodeURIComponent(headers['grpc-message']);
      };
      stream.on('response', take);
      stream.on('trailers', take);
      stream.on('data', (chunk: Buffer) => data.push(chunk));
      stream.on('error', reject);
      stream.on('close', () => {
        const body = Buffer.concat(data);
        if (status === undefined) reject(new Error('no grpc-status received'));
        else resolve({ status, message, response: body.length >= 5 ? body.subarray(5) : undefined });
      });
      const frame = Buffer.alloc(5 + options.request.length);
      frame.writeUInt32BE(options.request.length, 1);
      options.request.copy(frame, 5);
      stream.end(frame);
    });
    return { ...result, resumed: tls.isSessionReused(), session: ticket };
  } finally {
    session.close();
    tls.destroy();
  }
}
