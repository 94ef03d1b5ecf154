import { status as grpcStatus, type Metadata, type StatusObject } from '@grpc/grpc-js';
import type { ClientCallOptions, ReceivedMetadata } from '@rampart/core';

/** The events of a grpc-js call that carry response metadata, and how to stop it. */
interface MetadataEvents {
  once(event: 'metadata', listener: (metadata: Metadata) => void): unknown;
  once(event: 'status', listener: (status: StatusObject) => void): unknown;
  cancel(): void;
}

/**
 * Passes a call's response headers to `options.onHeaders` and, when it ends OK, its trailers to `options.onTrailers`.
 * Both run before the call's promise settles or its stream ends (grpc-js emits them first). A callback that throws
 * never throws inside grpc-js's event emitter (that would stop the process): a throwing `onHeaders` cancels the call
 * (it ends CANCELLED); a throwing `onTrailers` changes nothing, the call has already succeeded. Listens to nothing
 * when neither is given.
 */
export function reportResponseMetadata(call: MetadataEvents, options: ClientCallOptions | undefined): void {
  const onHeaders = options?.onHeaders;
  const onTrailers = options?.onTrailers;
  if (onHeaders) call.once('metadata', (metadata) => guarded(call, () => onHeaders(received(metadata))));
  if (onTrailers) {
    call.once('status', (status) => {
      if (status.code === grpcStatus.OK) guarded(call, () => onTrailers(received(status.metadata)));
    });
  }
}

function guarded(call: MetadataEvents, callback: () => void): void {
  try {
    callback();
  } catch {
    call.cancel();
  }
}

/** The metadata as a record without a prototype, so a key such as `__proto__` is a key like any other. */
function received(metadata: Metadata): ReceivedMetadata {
  return Object.assign(Object.create(null) as Record<string, (string | Buffer)[]>, metadata.toJSON());
}
