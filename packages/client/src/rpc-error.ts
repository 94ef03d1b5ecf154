import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { Status, statusName } from '@rampart/core';

/**
 * The error a client call fails with: the gRPC status code and the server's (public) message.
 *
 * @example
 * ```ts
 * try { await inventory.reserve(req); } catch (e) { if (e instanceof RpcError && e.code === Status.NOT_FOUND) ... }
 * ```
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';

  constructor(
    readonly code: Status,
    readonly details: string,
    readonly metadata: Metadata | undefined = undefined,
    options?: { cause?: unknown },
  ) {
    super(`${statusName(code)}: ${details}`, options);
  }

  /** Wraps a grpc-js ServiceError (or anything else thrown by a call). */
  static from(error: unknown): RpcError {
    if (error instanceof RpcError) return error;
    const e = error as Partial<ServiceError>;
    if (typeof e?.code === 'number') {
      return new RpcError(e.code, e.details ?? e.message ?? '', e.metadata, { cause: error });
    }
    return new RpcError(Status.UNKNOWN, error instanceof Error ? error.message : String(error), undefined, { cause: error });
  }
}
