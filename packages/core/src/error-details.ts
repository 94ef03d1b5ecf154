/**
 * One structured error detail: a `google.protobuf.Any`, the type's URL and the message's encoded bytes (for
 * example `type.googleapis.com/google.rpc.BadRequest`). gRPC sends them in the `grpc-status-details-bin` trailer
 * as a `google.rpc.Status`.
 */
export interface ErrorDetail {
  readonly typeUrl: string;
  readonly value: Uint8Array;
}

/** The `google.rpc.Status` message, as sent in `grpc-status-details-bin`. */
export interface RpcStatusMessage {
  readonly code: number;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
}

/** The trailer that carries `google.rpc.Status` (status, message and details) in gRPC. */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';

/** At most this many details are read from a received trailer; the rest are dropped. */
export const MAX_RECEIVED_DETAILS = 32;

const WIRE_VARINT = 0;
const WIRE_64BIT = 1;
const WIRE_LENGTH = 2;
const WIRE_32BIT = 5;

/** Encodes a `google.rpc.Status` (field 1 code, 2 message, 3 repeated Any{1 type_url, 2 value}). */
export function encodeRpcStatus(status: RpcStatusMessage): Buffer {
  const out: number[] = [];
  if (status.code !== 0) {
    tag(out, 1, WIRE_VARINT);
    varint(out, status.code);
  }
  if (status.message !== '') bytesField(out, 2, Buffer.from(status.message, 'utf8'));
  for (const detail of status.details) {
    const any: number[] = [];
    if (detail.typeUrl !== '') bytesField(any, 1, Buffer.from(detail.typeUrl, 'utf8'));
    if (detail.value.length > 0) bytesField(any, 2, detail.value);
    bytesField(out, 3, Uint8Array.from(any));
  }
  return Buffer.from(out);
}

/**
 * Decodes a received `google.rpc.Status`. Anything malformed (a truncated field, a bad varint, a wrong wire type)
 * gives `undefined`: a trailer from the network is never trusted to be well formed. Unknown fields are skipped.
 */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatusMessage | undefined {
  try {
    let code = 0;
    let message = '';
    const details: ErrorDetail[] = [];
    for (const field of fields(bytes)) {
      if (field.number === 1 && field.wire === WIRE_VARINT) code = Number(field.varint);
      else if (field.number === 2 && field.wire === WIRE_LENGTH) message = utf8(field.bytes);
      else if (field.number === 3 && field.wire === WIRE_LENGTH && details.length < MAX_RECEIVED_DETAILS) {
        details.push(decodeAny(field.bytes));
      }
    }
    return { code, message, details };
  } catch {
    return undefined;
  }
}

function decodeAny(bytes: Uint8Array): ErrorDetail {
  let typeUrl = '';
  let value: Uint8Array = new Uint8Array(0);
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.wire === WIRE_LENGTH) typeUrl = utf8(field.bytes);
    else if (field.number === 2 && field.wire === WIRE_LENGTH) value = Uint8Array.from(field.bytes);
  }
  return { typeUrl, value };
}

interface Field {
  readonly number: number;
  readonly wire: number;
  readonly varint: bigint;
  readonly bytes: Uint8Array;
}

function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= bytes.length) throw new RangeError('truncated varint');
      const byte = bytes[at++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new RangeError('varint too long');
  };
  const take = (length: number): Uint8Array => {
    if (length < 0 || at + length > bytes.length) throw new RangeError('truncated field');
    const slice = bytes.subarray(at, at + length);
    at += length;
    return slice;
  };
  while (at < bytes.length) {
    const key = readVarint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (number === 0) throw new RangeError('field number 0');
    if (wire === WIRE_VARINT) yield { number, wire, varint: readVarint(), bytes: EMPTY };
    else if (wire === WIRE_LENGTH) yield { number, wire, varint: 0n, bytes: take(Number(readVarint())) };
    else if (wire === WIRE_64BIT) take(8);
    else if (wire === WIRE_32BIT) take(4);
    else throw new RangeError(`wire type ${wire}`);
  }
}

const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function tag(out: number[], field: number, wire: number): void {
  varint(out, (field << 3) | wire);
}

function varint(out: number[], value: number): void {
  // int32 as protobuf writes it: negative numbers take ten bytes (two's complement, sign-extended).
  let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
}

function bytesField(out: number[], field: number, bytes: Uint8Array): void {
  tag(out, field, WIRE_LENGTH);
  varint(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}
