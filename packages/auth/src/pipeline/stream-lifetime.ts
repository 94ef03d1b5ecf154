import { RampartError, type CallContext, type CallControl } from '@rampart/core';
import type { StreamControl } from './stage.js';

/** setTimeout's longest delay; a later end is reached by re-arming. */
const MAX_TIMER_MS = 2_147_483_647;

/** What ends a stream on its own: the first of these to pass. */
interface Deadline {
  readonly at: number;
  readonly error: () => RampartError;
}

/**
 * The lifetime of one allowed stream: no longer than the credentials it was allowed with. `arm` ends it at the
 * first of its token's `exp` (plus grace) and its client certificate's `notAfter`; stages end it earlier through
 * {@link StreamControl} (revocation). Every end is audited through `audit` before the call ends; `close` (the
 * call's end, however it came) clears the timer and runs the stages' releases. One per streaming call.
 *
 * @example
 * ```ts
 * const lifetime = new StreamLifetime(control, (error) => auditor.record(ctx, denyEvent(error)));
 * lifetime.arm(ctx, settings.streamExpiryGraceMs); // once the call is allowed
 * // onEnd: lifetime.close();
 * ```
 */
export class StreamLifetime implements StreamControl {
  #timer: NodeJS.Timeout | undefined;
  #releases: (() => void)[] | undefined;
  #closed = false;

  constructor(
    private readonly control: CallControl,
    private readonly audit: (error: RampartError) => void,
  ) {}

  /** True once the call ended (or this lifetime ended it). */
  get closed(): boolean {
    return this.#closed;
  }

  end(error: RampartError): void {
    if (this.#closed) return;
    this.audit(error);
    this.control.end(error);
    // The server runs onEnd (and so close()) as it ends the call; this covers a control that does not.
    this.close();
  }

  onEnd(release: () => void): void {
    if (this.#closed) {
      release();
      return;
    }
    (this.#releases ??= []).push(release);
  }

  /** Schedules the end at the first of the token's expiry plus `graceMs` and the certificate's `notAfter`. */
  arm(ctx: CallContext, graceMs: number): void {
    if (this.#closed) return;
    const deadline = firstDeadline(ctx, graceMs);
    if (deadline !== undefined) this.#schedule(deadline);
  }

  /** The call ended: no timer, no later end, the stages' releases run (each once, errors swallowed). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    const releases = this.#releases;
    this.#releases = undefined;
    for (const release of releases ?? []) {
      try {
        release();
      } catch {
        // A release must not keep the others from running; it only forgets the stream.
      }
    }
  }

  #schedule(deadline: Deadline): void {
    const delay = Math.max(deadline.at - Date.now(), 0);
    this.#timer = setTimeout(() => (delay > MAX_TIMER_MS ? this.#schedule(deadline) : this.end(deadline.error())), Math.min(delay, MAX_TIMER_MS));
    this.#timer.unref();
  }
}

function firstDeadline(ctx: CallContext, graceMs: number): Deadline | undefined {
  const expiresAt = ctx.principal?.expiresAt.getTime();
  const notAfter = ctx.peer?.notAfter.getTime();
  const token: Deadline | undefined =
    expiresAt === undefined
      ? undefined
      : {
          at: expiresAt + graceMs,
          error: () => new RampartError('ERR_TOKEN_EXPIRED', 'token expired', { reason: 'the token expired during the stream' }),
        };
  if (notAfter === undefined || (token !== undefined && token.at <= notAfter)) return token;
  const peer = ctx.peer;
  return {
    at: notAfter,
    error: () =>
      new RampartError('ERR_CERTIFICATE_EXPIRED', 'client certificate expired', {
        reason: `the client certificate (${peer?.spiffeId ?? peer?.subject ?? 'no SPIFFE ID'}, serial ${peer?.serialNumber ?? '?'}) expired during the stream, at ${new Date(notAfter).toISOString()}`,
      }),
  };
}
