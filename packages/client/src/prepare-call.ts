import { Metadata, type CallOptions } from '@grpc/grpc-js';
import { RampartError, Status, type ClientCallOptions } from '@rampart/core';
import { injectTraceContext } from '@rampart/telemetry';
import { RpcError } from './rpc-error.js';
import type { CreateClientOptions } from './create-client.js';

const BEARER = /^bearer +(\S+)$/i;

/**
 * Builds one call's metadata and options: the caller's metadata, the active W3C trace context, the parent call's
 * request id, the deadline (the explicit one, the parent's remaining time minus a margin, or the client default,
 * whichever is earliest), and the bearer token from the client's token source (exchanged from the parent's token
 * when `asCaller`).
 *
 * @throws RpcError UNAVAILABLE when no token can be had, DEADLINE_EXCEEDED when the parent has no time left,
 * UNAUTHENTICATED when `asCaller` finds no incoming token.
 */
export async function prepareCall(
  options: ClientCallOptions,
  client: CreateClientOptions,
): Promise<{ metadata: Metadata; callOptions: CallOptions }> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  injectTraceContext((key, value) => metadata.set(key, value));
  const parent = options.parent;
  if (parent !== undefined && metadata.get('x-request-id').length === 0) metadata.set('x-request-id', parent.requestId);

  const deadlines: number[] = [];
  if (options.deadline !== undefined) {
    deadlines.push(typeof options.deadline === 'number' ? Date.now() + options.deadline : options.deadline.getTime());
  } else if (client.defaultDeadlineMs !== undefined) {
    deadlines.push(Date.now() + client.defaultDeadlineMs);
  }
  if (parent?.deadline !== undefined) {
    const inherited = parent.deadline.getTime() - (client.deadlineMarginMs ?? 50);
    if (inherited <= Date.now()) throw new RpcError(Status.DEADLINE_EXCEEDED, 'no time left in the calling request');
    deadlines.push(inherited);
  }

  if (client.tokens !== undefined) {
    const { source, audience } = client.tokens;
    let token: string;
    try {
      if (options.asCaller) {
        const incoming = parent?.metadata.get('authorization')[0];
        const subject = typeof incoming === 'string' ? BEARER.exec(incoming)?.[1] : undefined;
        if (subject === undefined) {
          throw new RpcError(Status.UNAUTHENTICATED, 'asCaller: the calling request carries no bearer token to exchange');
        }
        token = await source.exchange(subject, audience);
      } else {
        token = await source.token(audience);
      }
    } catch (error) {
      if (error instanceof RpcError) throw error;
      const reason = RampartError.is(error) ? (error.reason ?? error.message) : String(error);
      throw new RpcError(Status.UNAVAILABLE, `could not get a token for ${audience}: ${reason}`, undefined, { cause: error });
    }
    metadata.set('authorization', `Bearer ${token}`);
  } else if (options.asCaller) {
    throw new RpcError(Status.FAILED_PRECONDITION, 'asCaller needs a client created with a token source');
  }
  return { metadata, callOptions: deadlines.length > 0 ? { deadline: Math.min(...deadlines) } : {} };
}
