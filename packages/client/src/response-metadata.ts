import { status as grpcStatus, type Metadata, type StatusObject } from '@grpc/grpc-js';
import type { ClientCallOptions, ReceivedMetadata } from '@rampart/core';

/** The events of a grpc-js call that carry response metadata. */
interface MetadataEvents {
  once(event: 'metadata', listener: (metadata: Metadata) => void): unknown;
  once(event: 'status', listener: (status: StatusObject) => void): unknown;
}

/**
 * Passes a call's response headers to `options.onHeaders` and, when it ends OK, its trailers to `options.onTrailers`.
 * Both run before the call's promise settles or its stream ends (grpc-js emits them first). Listens to nothing when
 * neither is given.
 */
export function reportResponseMetadata(call: MetadataEvents, options: ClientCallOptions | undefined): void {
  const onHeaders = options?.onHeaders;
  const onTrailers = options?.onTrailers;
  if (onHeaders) call.once('metadata', (metadata) => onHeaders(received(metadata)));
  if (onTrailers) {
    call.once('status', (status) => {
      if (status.code === grpcStatus.OK) onTrailers(received(status.metadata));
    });
  }
}

function received(metadata: Metadata): ReceivedMetadata {
  return metadata.toJSON();
}
