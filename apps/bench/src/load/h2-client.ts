import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { FrameDecoder } from './grpc-frame.js';
import { encodeInteger, encodeString, HpackDecoder, HpackEncoder } from './hpack.js';
import type { GrpcRequest, GrpcTransport, OnMessage, RawResult, RawTarget } from './transport.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** HTTP/2 frame types (RFC 9113 §6). */
const Type = {
  Data: 0x0,
  Headers: 0x1,
  RstStream: 0x3,
  Settings: 0x4,
  Ping: 0x6,
  Goaway: 0x7,
  WindowUpdate: 0x8,
  Continuation: 0x9,
} as const;
/** HTTP/2 frame flags. */
const Flag = {
  EndStream: 0x1,
  Ack: 0x1,
  EndHeaders: 0x4,
  Padded: 0x8,
  Priority: 0x20,
} as const;
/** Our receive windows: large, so the server never waits for us; topped up when half is used. */
const WINDOW = 2 ** 30;
const MAX_STREAM_ID = 2 ** 31 - 1;

interface PendingCall {
  status: number;
  message: string;
  readonly messages: Buffer[];
  readonly decoder: FrameDecoder;
  readonly onMessage: OnMessage | undefined;
  readonly resolve: (result: RawResult) => void;
}

function frameHeader(length: number, type: number, flags: number, streamId: number): Buffer {
  const header = Buffer.allocUnsafe(9);
  header.writeUIntBE(length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return header;
}

/**
 * gRPC over a minimal HTTP/2 client written for load generation: frames and HPACK by hand on a TLS (ALPN h2) or TCP
 * socket, a few µs of CPU per call where Node's `http2` client spends tens (an AsyncResource, a Duplex stream and
 * listeners per request). It does what a unary or server-streaming gRPC call needs and nothing more: no
 * priorities, no server push, no request bodies beyond one small DATA frame, static and learned header indexes.
 * `test/raw-client.spec.ts` checks it against grpc-js on real servers.
 */
export class LiteH2Connection implements GrpcTransport {
  readonly #socket: Socket;
  readonly #calls = new Map<number, PendingCall>();
  readonly #decoder = new HpackDecoder();
  #encoder = new HpackEncoder();
  readonly #blocks = new Map<string, Buffer>();
  readonly #authority: string;
  readonly #scheme: string;
  #nextStreamId = 1;
  #pending: Buffer = Buffer.alloc(0);
  #out: Buffer[] = [];
  #flushScheduled = false;
  #sendWindow = 65_535;
  #streamSendWindow = 65_535;
  #queued: Buffer[] = [];
  #received = 0;
  #continuation: { streamId: number; flags: number; parts: Buffer[] } | undefined;
  #closed: Error | undefined;
  /** GOAWAY received: the calls it covers finish here, new ones need another connection. */
  #draining = false;
  #ready: { resolve(): void; reject(e: Error): void } | undefined;

  private constructor(socket: Socket, authority: string, scheme: string) {
    this.#socket = socket;
    this.#authority = authority;
    this.#scheme = scheme;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error: Error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  /** Connects, exchanges the preface and SETTINGS, and resolves once the server's SETTINGS arrived. */
  static open(target: RawTarget): Promise<LiteH2Connection> {
    const host = target.host ?? '127.0.0.1';
    const tls = target.tls;
    const socket = tls
      ? connectTls({
          host,
          port: target.port,
          ca: tls.caPem,
          servername: tls.servername ?? 'localhost',
          ALPNProtocols: ['h2'],
          ...(tls.certPem !== undefined && tls.keyPem !== undefined ? { cert: tls.certPem, key: tls.keyPem } : {}),
        })
      : connectTcp({ host, port: target.port });
    const connection = new LiteH2Connection(socket, `${tls?.servername ?? 'localhost'}:${target.port}`, tls ? 'https' : 'http');
    return new Promise((resolve, reject) => {
      connection.#ready = { resolve: () => resolve(connection), reject };
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        if (tls && (socket as Socket & { alpnProtocol?: string | false }).alpnProtocol !== 'h2') {
          connection.#fail(new Error('the server did not negotiate h2'));
          return;
        }
        // SETTINGS: ENABLE_PUSH=0, INITIAL_WINDOW_SIZE=2^30; then the connection window to 2^30.
        const settings = Buffer.alloc(12);
        settings.writeUInt16BE(0x2, 0);
        settings.writeUInt32BE(0, 2);
        settings.writeUInt16BE(0x4, 6);
        settings.writeUInt32BE(WINDOW, 8);
        connection.#write(PREFACE, frameHeader(12, Type.Settings, 0, 0), settings, connection.#windowUpdate(0, WINDOW - 65_535));
      });
    });
  }

  call(request: GrpcRequest, body: Buffer, onMessage?: OnMessage): Promise<RawResult> {
    return new Promise((resolve) => {
      if (this.#closed || this.#draining || this.#nextStreamId > MAX_STREAM_ID) {
        const why = this.#closed?.message ?? (this.#draining ? 'GOAWAY received' : 'stream ids exhausted');
        resolve({ status: -1, message: why, messages: [], unprocessed: this.#closed === undefined && this.#draining });
        return;
      }
      const streamId = this.#nextStreamId;
      this.#nextStreamId += 2;
      this.#calls.set(streamId, { status: -1, message: '', messages: [], decoder: new FrameDecoder(), onMessage, resolve });
      const block = this.#headerBlock(request);
      const data = frameHeader(body.length, Type.Data, Flag.EndStream, streamId);
      if (body.length > this.#streamSendWindow) throw new Error('request larger than the stream window');
      if (block.length > 16_384) throw new Error('header block larger than one frame');
      const headers = frameHeader(block.length, Type.Headers, Flag.EndHeaders, streamId);
      if (this.#queued.length === 0 && body.length <= this.#sendWindow) {
        this.#sendWindow -= body.length;
        this.#write(headers, block, data, body);
      } else {
        this.#write(headers, block);
        this.#queued.push(data, body);
      }
    });
  }

  /** Whether new calls can start here (not closed, no GOAWAY received, stream ids left). */
  get accepting(): boolean {
    return this.#closed === undefined && !this.#draining && this.#nextStreamId <= MAX_STREAM_ID;
  }

  close(): void {
    this.#write(frameHeader(8, Type.Goaway, 0, 0), Buffer.alloc(8));
    setImmediate(() => this.#socket.end());
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #headerBlock(request: GrpcRequest): Buffer {
    const volatile = request.volatile === true && request.authorization !== undefined;
    const key = volatile ? request.path : `${request.path}\0${request.authorization ?? ''}`;
    let block = this.#blocks.get(key);
    if (block === undefined) {
      const fields: [string, string, boolean?][] = [
        [':method', 'POST'],
        [':scheme', this.#scheme],
        [':path', request.path],
        [':authority', this.#authority],
        ['content-type', 'application/grpc'],
        ['te', 'trailers'],
      ];
      if (request.authorization !== undefined && !volatile) fields.push(['authorization', request.authorization]);
      block = this.#encoder.encode(fields);
      if (this.#encoder.lastWasIndexedOnly) this.#blocks.set(key, block);
    }
    if (!volatile) return block;
    // authorization (static name index 23) as a literal without indexing: a new token every call.
    return Buffer.concat([block, encodeInteger(23, 4, 0x00), encodeString(request.authorization)]);
  }

  #windowUpdate(streamId: number, increment: number): Buffer {
    const payload = Buffer.allocUnsafe(4);
    payload.writeUInt32BE(increment, 0);
    return Buffer.concat([frameHeader(4, Type.WindowUpdate, 0, streamId), payload]);
  }

  /** Queues bytes; everything queued in one tick goes out in one socket write. */
  #write(...chunks: Buffer[]): void {
    this.#out.push(...chunks);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    process.nextTick(() => {
      this.#flushScheduled = false;
      const out = this.#out;
      this.#out = [];
      if (!this.#socket.destroyed) this.#socket.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
    });
  }

  #onData(chunk: Buffer): void {
    let buffer = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    try {
      while (buffer.length >= 9) {
        const length = buffer.readUIntBE(0, 3);
        if (buffer.length < 9 + length) break;
        const type = buffer[3] as number;
        const flags = buffer[4] as number;
        const streamId = buffer.readUInt32BE(5) & 0x7fffffff;
        const payload = buffer.subarray(9, 9 + length);
        buffer = buffer.subarray(9 + length);
        this.#onFrame(type, flags, streamId, payload);
      }
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#pending = buffer;
  }

  #onFrame(type: number, flags: number, streamId: number, payload: Buffer): void {
    if (this.#continuation !== undefined && type !== Type.Continuation) throw new Error('expected CONTINUATION');
    switch (type) {
      case Type.Data: {
        this.#received += payload.length;
        if (this.#received >= WINDOW / 2) {
          this.#write(this.#windowUpdate(0, this.#received));
          this.#received = 0;
        }
        const call = this.#calls.get(streamId);
        if (call) {
          for (const message of call.decoder.push(unpad(payload, flags))) {
            if (call.onMessage) call.onMessage(message);
            else call.messages.push(message);
          }
        }
        if (flags & Flag.EndStream) this.#finish(streamId);
        break;
      }
      case Type.Headers: {
        let block = unpad(payload, flags);
        if (flags & Flag.Priority) block = block.subarray(5);
        if (flags & Flag.EndHeaders) this.#onHeaders(streamId, flags, block);
        else this.#continuation = { streamId, flags, parts: [Buffer.from(block)] };
        break;
      }
      case Type.Continuation: {
        const c = this.#continuation;
        if (c === undefined || c.streamId !== streamId) throw new Error('unexpected CONTINUATION');
        c.parts.push(Buffer.from(payload));
        if (flags & Flag.EndHeaders) {
          this.#continuation = undefined;
          this.#onHeaders(streamId, c.flags, Buffer.concat(c.parts));
        }
        break;
      }
      case Type.RstStream: {
        const call = this.#calls.get(streamId);
        if (call) call.message ||= `stream reset (code ${payload.readUInt32BE(0)})`;
        this.#finish(streamId);
        break;
      }
      case Type.Settings:
        if (flags & Flag.Ack) break;
        for (let at = 0; at + 6 <= payload.length; at += 6) {
          const id = payload.readUInt16BE(at);
          const value = payload.readUInt32BE(at + 2);
          if (id === 0x1) this.#encoder = new HpackEncoder(Math.min(value, 4096));
          if (id === 0x4) this.#streamSendWindow = value;
        }
        this.#write(frameHeader(0, Type.Settings, Flag.Ack, 0));
        this.#ready?.resolve();
        this.#ready = undefined;
        break;
      case Type.Ping:
        if (!(flags & Flag.Ack)) this.#write(frameHeader(8, Type.Ping, Flag.Ack, 0), Buffer.from(payload));
        break;
      case Type.Goaway: {
        // A graceful GOAWAY (a server ageing its connections): the streams up to its last stream id still complete;
        // later ones were never processed and fail; the connection takes no new calls and closes once it is idle.
        const lastStreamId = payload.readUInt32BE(0) & 0x7fffffff;
        const error = new Error(`GOAWAY (code ${payload.readUInt32BE(4)})`);
        this.#draining = true;
        for (const [id, call] of this.#calls) {
          if (id <= lastStreamId) continue;
          this.#calls.delete(id);
          call.resolve({ status: -1, message: error.message, messages: call.messages, unprocessed: true });
        }
        if (this.#calls.size === 0) this.#fail(error);
        break;
      }
      case Type.WindowUpdate:
        if (streamId === 0) {
          this.#sendWindow += payload.readUInt32BE(0) & 0x7fffffff;
          this.#drainQueued();
        }
        break;
      default:
        break;
    }
  }

  #onHeaders(streamId: number, flags: number, block: Buffer): void {
    const headers = this.#decoder.decode(block);
    const call = this.#calls.get(streamId);
    if (call) {
      for (const [name, value] of headers) {
        if (name === 'grpc-status') call.status = Number(value);
        else if (name === 'grpc-message') call.message = decodeURIComponent(value);
      }
    }
    if (flags & Flag.EndStream) this.#finish(streamId);
  }

  #drainQueued(): void {
    while (this.#queued.length >= 2) {
      const body = this.#queued[1] as Buffer;
      if (body.length > this.#sendWindow) return;
      this.#sendWindow -= body.length;
      this.#write(this.#queued.shift() as Buffer, this.#queued.shift() as Buffer);
    }
  }

  #finish(streamId: number): void {
    const call = this.#calls.get(streamId);
    if (!call) return;
    this.#calls.delete(streamId);
    call.resolve({ status: call.status, message: call.message, messages: call.messages });
    if (this.#draining && this.#calls.size === 0) this.#fail(new Error('connection drained after GOAWAY'));
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    this.#closed = error;
    this.#ready?.reject(error);
    this.#ready = undefined;
    for (const [id, call] of this.#calls) {
      this.#calls.delete(id);
      call.resolve({ status: -1, message: error.message, messages: call.messages });
    }
    this.#socket.destroy();
  }
}

/** The payload of a frame without its padding (PADDED flag). */
function unpad(payload: Buffer, flags: number): Buffer {
  if (!(flags & Flag.Padded)) return payload;
  const padding = payload[0] as number;
  return payload.subarray(1, payload.length - padding);
}
