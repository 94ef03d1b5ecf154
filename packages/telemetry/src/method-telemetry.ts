import { SpanKind, type Attributes, type SpanOptions } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_RPC_METHOD,
  ATTR_RPC_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  RPC_SYSTEM_NAME_VALUE_GRPC,
} from '@opentelemetry/semantic-conventions';
import { Status, statusName } from '@rampart/core';
import { ATTR_RPC_GRPC_STATUS_CODE, ATTR_RPC_SERVICE, ATTR_RPC_SYSTEM, RPC_SYSTEM_VALUE_GRPC, type RpcSemconv } from './semconv.js';
import type { ServerAddress } from './server-address.js';

/** Which end of a call: the server that handles it or the client that makes it. */
export type RpcSide = 'server' | 'client';

/**
 * The codes that mark a server span as failed, per the gRPC semantic conventions (a client span fails on every code
 * but OK).
 */
const SERVER_FAULTS: ReadonlySet<number> = new Set([
  Status.UNKNOWN,
  Status.DEADLINE_EXCEEDED,
  Status.UNIMPLEMENTED,
  Status.INTERNAL,
  Status.UNAVAILABLE,
  Status.DATA_LOSS,
]);

const known = (status: number): boolean => Number.isInteger(status) && status >= 0 && status <= 16;

/** The attributes of one (method, status), built once. */
interface StatusAttributes {
  readonly span: Attributes;
  readonly stable: Attributes;
  readonly old: Attributes | undefined;
}

/**
 * Everything about a method's calls that does not change from call to call, built on first use: the span name and
 * start attributes, and per status code the span's end attributes and the metric attributes of the stable
 * conventions (and of the pre-stable ones under `rpc/dup`). A call allocates none of them.
 *
 * Stable: span `<package.Service>/<Method>`, `rpc.system.name=grpc`, `rpc.method` fully qualified, `rpc.status_code`
 * as the code's name (`OK`, `NOT_FOUND`), `error.type` (the code's name) when the call failed, and on the client
 * `server.address`/`server.port` from the target. `rpc/dup` adds `rpc.system`, `rpc.service` and the integer
 * `rpc.grpc.status_code`; `rpc.method` keeps the stable, fully-qualified value on spans (one key cannot hold both),
 * while the old metric keeps the old, short one.
 *
 * @example
 * ```ts
 * const info = new MethodTelemetry('server', 'shop.v1.Orders', 'Place', 'stable');
 * tracer.startSpan(info.spanName, info.spanOptions, parent);
 * span.setAttributes(info.status(Status.OK).span);
 * ```
 */
export class MethodTelemetry {
  readonly spanName: string;
  readonly spanOptions: SpanOptions;
  private readonly stableBase: Attributes;
  private readonly oldBase: Attributes | undefined;
  private readonly byStatus: (StatusAttributes | undefined)[] = [];

  constructor(
    private readonly side: RpcSide,
    service: string,
    name: string,
    semconv: RpcSemconv,
    server?: ServerAddress,
  ) {
    this.spanName = `${service}/${name}`;
    const address: Attributes =
      server === undefined
        ? {}
        : { [ATTR_SERVER_ADDRESS]: server.address, ...(server.port === undefined ? {} : { [ATTR_SERVER_PORT]: server.port }) };
    this.stableBase = Object.freeze({ [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_GRPC, [ATTR_RPC_METHOD]: this.spanName, ...address });
    this.oldBase =
      semconv === 'dup'
        ? Object.freeze({ [ATTR_RPC_SYSTEM]: RPC_SYSTEM_VALUE_GRPC, [ATTR_RPC_SERVICE]: service, [ATTR_RPC_METHOD]: name })
        : undefined;
    const start = this.oldBase === undefined ? this.stableBase : { ...this.oldBase, ...this.stableBase };
    this.spanOptions = Object.freeze({ kind: side === 'server' ? SpanKind.SERVER : SpanKind.CLIENT, attributes: Object.freeze(start) });
  }

  /** Whether a call that ended with `status` failed (span status ERROR, `error.type` set). */
  failed(status: number): boolean {
    return this.side === 'server' ? SERVER_FAULTS.has(status) || !known(status) : status !== Status.OK;
  }

  /** The attributes for a status code: the span's end attributes, the stable metric's and the old metric's. */
  status(status: number): StatusAttributes {
    const cacheable = known(status);
    const cached = cacheable ? this.byStatus[status] : undefined;
    if (cached !== undefined) return cached;
    const name = cacheable ? statusName(status) : String(status);
    const outcome: Attributes = this.failed(status) ? { [ATTR_RPC_STATUS_CODE]: name, [ATTR_ERROR_TYPE]: name } : { [ATTR_RPC_STATUS_CODE]: name };
    const old = this.oldBase === undefined ? undefined : Object.freeze({ ...this.oldBase, [ATTR_RPC_GRPC_STATUS_CODE]: status });
    const attributes: StatusAttributes = {
      span: Object.freeze(old === undefined ? outcome : { ...outcome, [ATTR_RPC_GRPC_STATUS_CODE]: status }),
      stable: Object.freeze({ ...this.stableBase, ...outcome }),
      old,
    };
    if (cacheable) this.byStatus[status] = attributes;
    return attributes;
  }
}
