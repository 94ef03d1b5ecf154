import { bytesField, fields, tag, utf8, varint, WIRE_LENGTH, WIRE_VARINT } from './protobuf-wire.js';

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

