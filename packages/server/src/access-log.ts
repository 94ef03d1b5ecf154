import { context, type Context } from '@opentelemetry/api';
import { RampartError, statusName, type ConfigReader, type Logger } from '@rampart/core';
import type { ServerCallContext } from './call-context.js';
import type { ServerConfig } from './config-schema.js';

type AccessLevel = 'trace' | 'debug' | 'info' | 'warn';

/**
 * The access log: one line per call, written when the call ends (`log.access`, `log.accessSampleRate`). Made only when
 * it is on, so a server without it pays nothing per call. Successful calls are sampled; failed ones always written.
 * The line is written in the call's trace context, so it carries the trace id when tracing is on.
 */
export class AccessLog {
  private constructor(
    private readonly logger: Logger,
    private readonly level: AccessLevel,
    private readonly sampleRate: number,
    private readonly random: () => number,
  ) {}

  /**
   * The access log the config asks for, or undefined when it is off.
   *
   * @throws RampartError `ERR_CONFIG_INVALID` when `log.accessSampleRate` is not from 0 to 1.
   */
  static from(config: ConfigReader<ServerConfig>, logger: Logger, random: () => number = Math.random): AccessLog | undefined {
    const level = config.get('log.access');
    const sampleRate = config.get('log.accessSampleRate');
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `log.accessSampleRate must be a number from 0 to 1, got ${String(sampleRate)}. Fix: set RAMPART_LOG_ACCESS_SAMPLE_RATE (or log.accessSampleRate) to e.g. 0.1`,
      );
    }
    return level === 'off' ? undefined : new AccessLog(logger.child({ log: 'access' }), level, sampleRate, random);
  }

  /** Writes the line of a call that ended with `status` (and `error` when it failed). */
  record(ctx: ServerCallContext, status: number, error: RampartError | undefined, trace: Context): void {
    if (status === 0 && this.sampleRate < 1 && this.random() >= this.sampleRate) return;
    const line = {
      rpc: ctx.method.path,
      status: statusName(status),
      durationMs: Math.round((performance.now() - ctx.startedAt) * 1000) / 1000,
      requestId: ctx.requestId,
      ...(ctx.principal !== undefined ? { sub: ctx.principal.subject, clientId: ctx.principal.clientId } : {}),
      ...(ctx.peer?.spiffeId !== undefined ? { peer: ctx.peer.spiffeId } : {}),
      ...(error !== undefined ? { code: error.code } : {}),
    };
    context.with(trace, () => this.logger[this.level](line, 'rpc'));
  }
}
