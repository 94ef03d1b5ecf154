import type { ErrorDetail } from './error-details.js';
import { bytesField, fields, tag, utf8, varint, WIRE_LENGTH, WIRE_VARINT } from './protobuf-wire.js';

/** `google.rpc.ErrorInfo`: why, as a machine-readable reason in a domain, with string metadata. */
export interface ErrorInfo {
  readonly reason: string;
  readonly domain: string;
  readonly metadata: Readonly<Record<string, string>>;
}
/** `google.rpc.RetryInfo`: when to retry (its `retry_delay` Duration, in milliseconds; read capped at 2^31 - 1). */
export interface RetryInfo {
  readonly retryDelayMs: number;
}
/** `google.rpc.QuotaFailure`: which quotas were exceeded. */
export interface QuotaFailure {
  readonly violations: readonly { readonly subject: string; readonly description: string }[];
}
/** `google.rpc.PreconditionFailure`: which preconditions failed. */
export interface PreconditionFailure {
  readonly violations: readonly { readonly type: string; readonly subject: string; readonly description: string }[];
}
/** `google.rpc.BadRequest`: which fields of the request were wrong, and why. */
export interface BadRequest {
  readonly fieldViolations: readonly { readonly field: string; readonly description: string; readonly reason: string }[];
}
/** `google.rpc.ResourceInfo`: the resource the error is about. */
export interface ResourceInfo {
  readonly resourceType: string;
  readonly resourceName: string;
  readonly owner: string;
  readonly description: string;
}

/** A decoded error detail, by its `google.rpc` type. */
export type RichDetail =
  | { readonly type: 'ErrorInfo'; readonly value: ErrorInfo }
  | { readonly type: 'RetryInfo'; readonly value: RetryInfo }
  | { readonly type: 'QuotaFailure'; readonly value: QuotaFailure }
  | { readonly type: 'PreconditionFailure'; readonly value: PreconditionFailure }
  | { readonly type: 'BadRequest'; readonly value: BadRequest }
  | { readonly type: 'ResourceInfo'; readonly value: ResourceInfo };

const PREFIX = 'type.googleapis.com/google.rpc.';
/** The longest delay a Node timer takes (2^31 - 1 ms); longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** At most this many entries are read from a received list or map (the rest are dropped). */
const MAX_ENTRIES = 64;

// Field layouts, as google/rpc/error_details.proto numbers them. A field is a string, or a nested message (repeated).
type Layout = readonly (readonly [number, string] | readonly [number, string, Layout])[];
const ENTRY: Layout = [
  [1, 'key'],
  [2, 'value'],
];
const LAYOUTS = {
  ErrorInfo: [[1, 'reason'], [2, 'domain'], [3, 'metadata', ENTRY]],
  QuotaFailure: [[1, 'violations', [[1, 'subject'], [2, 'description']]]],
  PreconditionFailure: [[1, 'violations', [[1, 'type'], [2, 'subject'], [3, 'description']]]],
  BadRequest: [[1, 'fieldViolations', [[1, 'field'], [2, 'description'], [3, 'reason']]]],
  ResourceInfo: [[1, 'resourceType'], [2, 'resourceName'], [3, 'owner'], [4, 'description']],
} as const satisfies Record<string, Layout>;

type Plain = { [key: string]: string | Plain[] };

function encode(layout: Layout, value: Plain): Uint8Array {
  const out: number[] = [];
  for (const [number, key, nested] of layout) {
    const field = value[key];
    if (nested === undefined) {
      if (typeof field === 'string' && field !== '') bytesField(out, number, Buffer.from(field, 'utf8'));
    } else if (Array.isArray(field)) {
      for (const item of field) bytesField(out, number, encode(nested, item));
    }
  }
  return Uint8Array.from(out);
}

function decode(layout: Layout, bytes: Uint8Array): Plain {
  const value: Plain = {};
  for (const [, key, nested] of layout) value[key] = nested === undefined ? '' : [];
  for (const field of fields(bytes)) {
    const spec = layout.find(([number]) => number === field.number);
    if (spec === undefined || field.wire !== WIRE_LENGTH) continue;
    const [, key, nested] = spec;
    if (nested === undefined) value[key] = utf8(field.bytes);
    else if ((value[key] as Plain[]).length < MAX_ENTRIES) (value[key] as Plain[]).push(decode(nested, field.bytes));
  }
  return value;
}

const detail = (type: string, value: Uint8Array): ErrorDetail => ({ typeUrl: `${PREFIX}${type}`, value });

/**
 * Builds the standard `google.rpc` error details for a `RampartError`'s `details` (sent in
 * `grpc-status-details-bin`; any gRPC client that knows them decodes them).
 *
 * @example
 * ```ts
 * throw new RampartError('ERR_RESOURCE_EXHAUSTED', 'slow down', { details: [richDetails.retryInfo({ retryDelayMs: 250 })] });
 * throw new RampartError('ERR_INVALID_ARGUMENT', 'bad request', {
 *   details: [richDetails.badRequest({ fieldViolations: [{ field: 'sku', description: 'must look like SKU-…', reason: 'PATTERN' }] })],
 * });
 * ```
 */
export const richDetails = {
  errorInfo: (info: ErrorInfo): ErrorDetail =>
    detail('ErrorInfo', encode(LAYOUTS.ErrorInfo, { ...info, metadata: Object.entries(info.metadata).map(([key, value]) => ({ key, value })) })),
  retryInfo: ({ retryDelayMs }: RetryInfo): ErrorDetail => detail('RetryInfo', encodeRetryDelay(retryDelayMs)),
  quotaFailure: (failure: QuotaFailure): ErrorDetail => detail('QuotaFailure', encode(LAYOUTS.QuotaFailure, failure as unknown as Plain)),
  preconditionFailure: (failure: PreconditionFailure): ErrorDetail =>
    detail('PreconditionFailure', encode(LAYOUTS.PreconditionFailure, failure as unknown as Plain)),
  badRequest: (request: BadRequest): ErrorDetail => detail('BadRequest', encode(LAYOUTS.BadRequest, request as unknown as Plain)),
  resourceInfo: (info: ResourceInfo): ErrorDetail => detail('ResourceInfo', encode(LAYOUTS.ResourceInfo, info as unknown as Plain)),
};

/**
 * The details of an error that are standard `google.rpc` ones, decoded; details of other types, and malformed
 * ones (bytes from the network are never trusted), are left out. Never throws.
 *
 * @example
 * ```ts
 * const retry = readRichDetails(error.details).find((d) => d.type === 'RetryInfo');
 * if (retry) await sleep(retry.value.retryDelayMs);
 * ```
 */
export function readRichDetails(details: readonly ErrorDetail[]): RichDetail[] {
  const out: RichDetail[] = [];
  for (const { typeUrl, value } of details) {
    if (!typeUrl.startsWith(PREFIX)) continue;
    try {
      const read = readOne(typeUrl.slice(PREFIX.length), value);
      if (read !== undefined) out.push(read);
    } catch {
      // malformed: left out
    }
  }
  return out;
}

function readOne(type: string, bytes: Uint8Array): RichDetail | undefined {
  switch (type) {
    case 'ErrorInfo': {
      const plain = decode(LAYOUTS.ErrorInfo, bytes);
      // fromEntries defines own properties: a key named `__proto__` from the network stays a key.
      const metadata = Object.fromEntries((plain['metadata'] as Plain[]).map((entry) => [entry['key'] as string, entry['value'] as string]));
      return { type, value: { reason: plain['reason'] as string, domain: plain['domain'] as string, metadata } };
    }
    case 'RetryInfo':
      return { type, value: { retryDelayMs: decodeRetryDelay(bytes) } };
    case 'QuotaFailure':
      return { type, value: decode(LAYOUTS.QuotaFailure, bytes) as unknown as QuotaFailure };
    case 'PreconditionFailure':
      return { type, value: decode(LAYOUTS.PreconditionFailure, bytes) as unknown as PreconditionFailure };
    case 'BadRequest':
      return { type, value: decode(LAYOUTS.BadRequest, bytes) as unknown as BadRequest };
    case 'ResourceInfo':
      return { type, value: decode(LAYOUTS.ResourceInfo, bytes) as unknown as ResourceInfo };
    default:
      return undefined;
  }
}

/** RetryInfo { 1: google.protobuf.Duration { 1: int64 seconds, 2: int32 nanos } }. */
function encodeRetryDelay(ms: number): Uint8Array {
  if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`retryDelayMs must be a finite number >= 0, got ${ms}`);
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  const duration: number[] = [];
  if (seconds !== 0) {
    tag(duration, 1, WIRE_VARINT);
    varint(duration, seconds);
  }
  if (nanos !== 0) {
    tag(duration, 2, WIRE_VARINT);
    varint(duration, nanos);
  }
  const out: number[] = [];
  bytesField(out, 1, Uint8Array.from(duration));
  return Uint8Array.from(out);
}

function decodeRetryDelay(bytes: Uint8Array): number {
  let ms = 0;
  for (const field of fields(bytes)) {
    if (field.number !== 1 || field.wire !== WIRE_LENGTH) continue;
    let seconds = 0n;
    let nanos = 0n;
    for (const part of fields(field.bytes)) {
      if (part.number === 1 && part.wire === WIRE_VARINT) seconds = BigInt.asIntN(64, part.varint);
      else if (part.number === 2 && part.wire === WIRE_VARINT) nanos = BigInt.asIntN(32, part.varint);
    }
    if (seconds < 0n || nanos < 0n || seconds > 315_576_000_000n || nanos > 999_999_999n) throw new RangeError('duration out of range');
    ms = Number(seconds) * 1000 + Number(nanos) / 1e6;
  }
  // Capped at what a Node timer can wait (about 24.8 days): a longer delay from a hostile server would fire at once.
  return Math.min(ms, MAX_TIMER_MS);
}
