import { metrics, type Attributes, type Counter } from '@opentelemetry/api';
import type { CallContext, Logger } from '@rampart/core';
import { RPC_SPAN } from '@rampart/telemetry/internal';

/** One auth decision: what the audit records for every protected call. */
export interface AuthDecisionEvent {
  /** The RPC path. */
  readonly method: string;
  readonly decision: 'allow' | 'deny';
  /** `ok`, or the error code that denied the call (`ERR_TOKEN_EXPIRED`, `ERR_PEER_NOT_ALLOWED`, …). */
  readonly reason: string;
  /** Why exactly (deny only): for the audit log, never sent to the client. */
  readonly detail: string | undefined;
  /** The gRPC status the call gets from this decision (0 when allowed). */
  readonly status: number;
  readonly subject: string | undefined;
  readonly clientId: string | undefined;
  /** The `act` chain of a delegated token, outermost first. */
  readonly actors: readonly string[];
  /** The caller's SPIFFE ID, when it presented a certificate. */
  readonly peer: string | undefined;
  /** Time spent deciding, in milliseconds. */
  readonly durationMs: number;
}

/** Records auth decisions. Bound under `AUTH_TOKENS.Auditor`; rebind to send them elsewhere. */
export interface AuthAuditor {
  record(ctx: CallContext, event: AuthDecisionEvent): void;
  /**
   * Optional: records an allowed call when the auditor needs no event for it (nothing would log it or put it on a
   * span), and returns true; returns false when it wants the full event, which {@link AuthAuditor.record} then gets.
   * Spares every allowed call building an event nobody reads.
   */
  recordAllowed?(ctx: CallContext): boolean;
}

/** Log levels of the default auditor. */
export interface AuditLevels {
  readonly allow: string;
  readonly deny: string;
}

/**
 * The default auditor: one pino line per decision on the call's logger (denies at warn and allows at debug by
 * default), attributes and a `rampart.auth.decision` event on the RPC span, and a counter
 * `rampart.auth.decisions{decision,reason}`. Never logs a token.
 *
 * @example
 * ```ts
 * container.rebind(AUTH_TOKENS.Auditor).toConstantValue(new DefaultAuthAuditor({ allow: 'info', deny: 'warn' }));
 * ```
 */
export class DefaultAuthAuditor implements AuthAuditor {
  // Created on first use, not at construction: a metrics SDK registered after the auth plugin still gets it.
  #counter: Counter | undefined;
  readonly #counterAttributes = new Map<string, Attributes>();
  readonly #allowedOk: Attributes = Object.freeze({ decision: 'allow', reason: 'ok' });

  /**
   * @param levels log levels of allow and deny lines.
   * @param rootLogger when given, its level is checked first, so a call whose decision is not logged never creates
   *   its per-call child logger (which costs more than the rest of a cached decision).
   */
  constructor(
    private readonly levels: AuditLevels = { allow: 'debug', deny: 'warn' },
    private readonly rootLogger?: Logger,
  ) {}

  record(ctx: CallContext, event: AuthDecisionEvent): void {
    const level = event.decision === 'allow' ? this.levels.allow : this.levels.deny;
    if (level !== 'silent' && (this.rootLogger?.isLevelEnabled(level) ?? true) && ctx.logger.isLevelEnabled(level)) {
      const log = ctx.logger[level as 'debug' | 'info' | 'warn' | 'error'];
      log.call(ctx.logger, { audit: event }, `auth ${event.decision}: ${event.reason}`);
    }
    const span = ctx.values.get(RPC_SPAN);
    if (span?.isRecording()) {
      const attributes: Attributes = {
        'rampart.auth.decision': event.decision,
        'rampart.auth.reason': event.reason,
        'rampart.auth.duration_ms': event.durationMs,
        ...(event.subject !== undefined ? { 'rampart.auth.subject': event.subject } : {}),
        ...(event.clientId !== undefined ? { 'rampart.auth.client_id': event.clientId } : {}),
        ...(event.actors.length > 0 ? { 'rampart.auth.actors': [...event.actors] } : {}),
        ...(event.peer !== undefined ? { 'rampart.auth.peer': event.peer } : {}),
      };
      span.setAttributes(attributes);
      span.addEvent('rampart.auth.decision', attributes);
    }
    this.#count(event.decision === 'allow' && event.reason === 'ok' ? this.#allowedOk : this.#attributesOf(event));
  }

  /** Counts the call when its allow line is not logged (by the root logger's level) and its span is not recording. */
  recordAllowed(ctx: CallContext): boolean {
    const level = this.levels.allow;
    if (level !== 'silent' && (this.rootLogger?.isLevelEnabled(level) ?? true)) return false;
    if (ctx.values.get(RPC_SPAN)?.isRecording() === true) return false;
    this.#count(this.#allowedOk);
    return true;
  }

  #count(attributes: Attributes): void {
    // Created at the first call, not at registration: the metrics API has no late binding, and a counter made before
    // an SDK plugin registered (rampartOtel() listed after rampartAuth()) would count into a no-op meter forever.
    this.#counter ??= metrics.getMeter('@rampart/auth').createCounter('rampart.auth.decisions', {
      description: 'Auth decisions, by decision and reason',
    });
    this.#counter.add(1, attributes);
  }

  /** The counter's attributes for a decision and reason, one frozen object each. */
  #attributesOf(event: AuthDecisionEvent): Attributes {
    const key = `${event.decision}|${event.reason}`;
    let attributes = this.#counterAttributes.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze({ decision: event.decision, reason: event.reason });
      this.#counterAttributes.set(key, attributes);
    }
    return attributes;
  }
}
