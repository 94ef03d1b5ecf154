/**
 * The few protobuf wire-format primitives Rampart's hand-written codecs need (`google.rpc.Status` and the
 * `google.rpc` error details): reading is strict (a truncated field, a bad varint or wire type throws a RangeError,
 * which the decoders turn into "malformed"), writing follows what protoc-generated code writes.
 */
export const WIRE_VARINT = 0;
export const WIRE_64BIT = 1;
export const WIRE_LENGTH = 2;
export const WIRE_32BIT = 5;

/** One field as read from the wire: its number, wire type, and its varint or its bytes. */
export interface Field {
  readonly number: number;
  readonly wire: number;
  readonly varint: bigint;
  readonly bytes: Uint8Array;
}

export function* fields(bytes: Uint8Array): Generator<Field> {
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

export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function tag(out: number[], field: number, wire: number): void {
  varint(out, (field << 3) | wire);
}

export function varint(out: number[], value: number): void {
  // int32 as protobuf writes it: negative numbers take ten bytes (two's complement, sign-extended).
  let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
}

export function bytesField(out: number[], field: number, bytes: Uint8Array): void {
  tag(out, field, WIRE_LENGTH);
  varint(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}
