/**
 * gRPC's wire framing and the bench proto's three tiny messages, by hand: the load generator sends and checks them
 * over raw `node:http2` without grpc-js or protobufjs on the hot path. `test/grpc-frame.spec.ts` checks the
 * encodings against protobufjs and the whole client against grpc-js.
 */

/** One length-prefixed message: a compressed flag (0) and a 4-byte big-endian length, then the message. */
export function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/** Splits a byte stream into gRPC messages, whatever the chunking. Compressed messages are refused. */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the messages it completed (possibly none). */
  push(chunk: Buffer): Buffer[] {
    let buffer = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const messages: Buffer[] = [];
    while (buffer.length >= 5) {
      if (buffer[0] !== 0) throw new Error(`compressed gRPC message (flag ${buffer[0]}) not supported`);
      const length = buffer.readUInt32BE(1);
      if (buffer.length < 5 + length) break;
      messages.push(buffer.subarray(5, 5 + length));
      buffer = buffer.subarray(5 + length);
    }
    this.#pending = buffer;
    return messages;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

/** A protobuf base-128 varint. */
export function varint(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`varint out of range: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function readVarint(buffer: Buffer, offset: number): [value: number, next: number] {
  let value = 0;
  let factor = 1;
  let at = offset;
  for (;;) {
    const byte = buffer[at];
    if (byte === undefined) throw new Error('truncated varint');
    at += 1;
    value += (byte & 0x7f) * factor;
    if (byte < 0x80) return [value, at];
    factor *= 0x80;
    if (factor > 2 ** 63) throw new Error('varint too long');
  }
}

function stringField(fieldNumber: number, value: string): Buffer {
  if (value === '') return Buffer.alloc(0);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([varint((fieldNumber << 3) | 2), varint(bytes.length), bytes]);
}

/** `EchoRequest { payload }` (also the layout of `EchoResponse`). */
export function encodeEcho(payload: string): Buffer {
  return stringField(1, payload);
}

/** `StreamRequest { payload, count }`. */
export function encodeStreamRequest(payload: string, count: number): Buffer {
  return Buffer.concat([stringField(1, payload), count === 0 ? Buffer.alloc(0) : Buffer.concat([varint(2 << 3), varint(count)])]);
}

/** The `payload` (field 1) of an `EchoRequest` or `EchoResponse`; unknown fields are skipped. */
export function decodeEcho(message: Buffer): string {
  let payload = '';
  let at = 0;
  while (at < message.length) {
    const [key, afterKey] = readVarint(message, at);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    at = afterKey;
    if (wire === 0) {
      [, at] = readVarint(message, at);
    } else if (wire === 2) {
      const [length, start] = readVarint(message, at);
      if (start + length > message.length) throw new Error('truncated length-delimited field');
      if (field === 1) payload = message.toString('utf8', start, start + length);
      at = start + length;
    } else if (wire === 1) {
      at += 8;
    } else if (wire === 5) {
      at += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  if (at !== message.length) throw new Error('truncated message');
  return payload;
}
