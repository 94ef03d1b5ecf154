import { Metadata, type CallOptions } from '@grpc/grpc-js';
import { context, type Context } from '@opentelemetry/api';
import { RampartError, type ClientCallOptions } from '@rampart/core';
import { injectTraceContext } from '@rampart/telemetry/internal';
import type { ClientIdentity } from './tls/channel-identity.js';
import type { TokenSource } from './tokens/token-client.js';

/**
 * What {@link prepareCall} reads of a client's options; `CreateClientOptions` has them all.
 *
 * @example
 * ```ts
 * const settings: CallSettings = { defaultDeadlineMs: 5_000, tokens: { source: tokenClient, audience: 'inventory' } };
 * ```
 */
export interface CallSettings {
  readonly defaultDeadlineMs?: number;
  readonly deadlineMarginMs?: number;
  readonly tokens?: { readonly source: TokenSource; readonly audience: string };
}

/**
 * Builds one call's metadata and options: the caller's metadata, the W3C trace context of `traceContext` (default:
 * the active one; the client passes its CLIENT span's), the parent call's
 * request id, the deadline (the explicit one, the parent's remaining time minus a margin, or the client default,
 * whichever is earliest), and the bearer token from the client's token source (exchanged from the parent's token
 * when `asCaller`), bound to `identity` when given: the certificate of the connections the call will go on.
 *
 * @throws RampartError (downstream) `ERR_UNAVAILABLE` when no token can be had, `ERR_DEADLINE_EXCEEDED` when the
 * parent has no time left; `ERR_INTERNAL` (this process's mistake, not downstream) when `asCaller` finds no token
 * the parent call's auth pipeline verified.
 */
export async function prepareCall(
  options: ClientCallOptions,
  client: CallSettings,
  identity?: ClientIdentity,
  traceContext: Context = context.active(),
): Promise<{ metadata: Metadata; callOptions: CallOptions }> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  injectTraceContext((key, value) => metadata.set(key, value), traceContext);
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
    if (inherited <= Date.now()) throw new RampartError('ERR_DEADLINE_EXCEEDED', 'no time left in the calling request', { downstream: true });
    deadlines.push(inherited);
  }

  if (client.tokens !== undefined) {
    const { source, audience } = client.tokens;
    const subject = options.asCaller ? verifiedBearerOf(parent) : undefined;
    let token: string;
    try {
      token = subject !== undefined ? await source.exchange(subject, audience, identity) : await source.token(audience, identity);
    } catch (error) {
      const reason = RampartError.is(error) ? (error.reason ?? error.message) : String(error);
      throw new RampartError('ERR_UNAVAILABLE', `could not get a token for ${audience}: ${reason}`, { cause: error, downstream: true });
    }
    metadata.set('authorization', `Bearer ${token}`);
  } else if (options.asCaller) {
    throw new RampartError('ERR_INTERNAL', 'asCaller needs a client created with a token source');
  }
  return { metadata, callOptions: deadlines.length > 0 ? { deadline: Math.min(...deadlines) } : {} };
}

/**
 * The token the parent call's auth pipeline verified and allowed (binding included), never the raw header: on a
 * @Public or mTLS-only method nobody checked it, and exchanging it would turn a stolen bound token into a fresh one
 * bound to this workload.
 */
function verifiedBearerOf(parent: ClientCallOptions['parent']): string {
  const subject = parent?.verifiedBearer;
  if (subject === undefined) {
    throw new RampartError(
      'ERR_INTERNAL',
      parent === undefined
        ? 'asCaller needs the parent call (options.parent)'
        : `asCaller: ${parent.method.path} has no verified bearer token to exchange (only a call to an @Authenticated method carries one)`,
    );
  }
  return subject;
}
