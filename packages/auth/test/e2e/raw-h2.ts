import { connect as connectHttp2 } from 'node:http2';
import { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';

/** What a raw unary gRPC call returned. */
export interface RawResult {
  readonly status: number;
  readonly message: string;
  /** The response message bytes (without the 5-byte gRPC prefix), when there was one. */
  readonly response: Buffer | undefined;
}

/** Options of {@link unaryWithExtraHeader}. */
export interface RawCallOptions {
  readonly port: number;
  readonly caPem: string;
  readonly client?: { readonly certPem: string; readonly keyPem: string };
  readonly path: string;
  /** The serialized request message. */
  readonly request: Buffer;
  /** Headers Node's HTTP/2 client sends. */
  readonly headers: Record<string, string>;
  /** One more header field appended to the request's header block, after Node encoded it (may repeat a name). */
  readonly extra: readonly [name: string, value: string];
}

/**
 * A unary gRPC call over TLS whose request headers carry a field Node's HTTP/2 client refuses to send, such as a
 * second `authorization` (`ERR_HTTP2_HEADER_SINGLE_VALUE`). Node's client does the HTTP/2 work; between it and the TLS
 * socket, the first HEADERS frame loses its END_HEADERS flag and is followed by a CONTINUATION frame holding the extra
 * field as an HPACK literal without indexing (so neither side's dynamic table changes). Test use only.
 *
 * @example
 * ```ts
 * await unaryWithExtraHeader({ port, caPem, path, request, headers: { authorization: 'Bearer a' }, extra: ['authorization', 'Bearer b'] });
 * ```
 */
export async function unaryWithExtraHeader(options: RawCallOptions): Promise<RawResult> {
  const tls = connectTls({
    host: '127.0.0.1',
    port: options.port,
    servername: 'localhost',
    ca: options.caPem,
    ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
    ALPNProtocols: ['h2'],
  });
  await new Promise<void>((resolve, reject) => {
    tls.once('secureConnect', resolve);
    tls.once('error', reject);
  });
  const rewrite = headerInjector(options.extra, (chunk) => tls.write(chunk));
  const pipe = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      rewrite(chunk);
      done();
    },
    final(done) {
      tls.end();
      done();
    },
  });
  tls.on('data', (chunk: Buffer) => pipe.push(chunk));
  tls.on('end', () => pipe.push(null));
  tls.on('error', (error: Error) => pipe.destroy(error));

  const session = connectHttp2(`https://localhost:${options.port}`, { createConnection: () => pipe });
  try {
    return await new Promise<RawResult>((resolve, reject) => {
      session.once('error', reject);
      const stream = session.request({
        ':method': 'POST',
        ':path': options.path,
        'content-type': 'application/grpc',
        te: 'trailers',
        ...options.headers,
      });
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
  } finally {
    session.close();
    tls.destroy();
  }
}

/** A protobuf message of one string field number 1 (`ReadRequest { name }`, short values only). */
export function stringField1(value: string): Buffer {
  const bytes = Buffer.from(value);
  if (bytes.length > 127) throw new Error('short values only');
  return Buffer.concat([Buffer.from([0x0a, bytes.length]), bytes]);
}

const PREFACE_LENGTH = 24;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_HEADERS = 0x4;

/** Passes the client's bytes through, appending `extra` to the header block of the first HEADERS frame. */
function headerInjector(extra: readonly [string, string], write: (chunk: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let prefaceLeft = PREFACE_LENGTH;
  let injected = false;
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    if (prefaceLeft > 0) {
      const n = Math.min(prefaceLeft, pending.length);
      write(pending.subarray(0, n));
      pending = pending.subarray(n);
      prefaceLeft -= n;
    }
    while (prefaceLeft === 0 && pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      const frame = Buffer.from(pending.subarray(0, 9 + length));
      pending = pending.subarray(9 + length);
      const type = frame[3] as number;
      const flags = frame[4] as number;
      if (!injected && type === HEADERS && (flags & END_HEADERS) !== 0) {
        injected = true;
        frame[4] = flags & ~END_HEADERS;
        const block = literalWithoutIndexing(extra[0], extra[1]);
        const continuation = Buffer.alloc(9);
        continuation.writeUIntBE(block.length, 0, 3);
        continuation[3] = CONTINUATION;
        continuation[4] = END_HEADERS;
        continuation.writeUInt32BE(frame.readUInt32BE(5) & 0x7fffffff, 5);
        write(Buffer.concat([frame, continuation, block]));
      } else {
        write(frame);
      }
    }
  };
}

/** RFC 7541 6.2.2: a literal header field without indexing, new name, no Huffman coding. */
function literalWithoutIndexing(name: string, value: string): Buffer {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  return Buffer.concat([Buffer.from([0x00]), hpackInteger(n.length), n, hpackInteger(v.length), v]);
}

/** RFC 7541 5.1 with a 7-bit prefix and the H bit clear. */
function hpackInteger(value: number): Buffer {
  if (value < 127) return Buffer.from([value]);
  const out = [127];
  let rest = value - 127;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}
