import { RampartError, type Logger } from '@rampart/core';
import { createClient } from '@redis/client';

/** What {@link RedisLink} needs to connect. */
export interface RedisLinkSettings {
  /** May carry credentials: never logged (see {@link redisAddress}). */
  readonly url: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** What an outage means for calls, for the log line that reports it. */
  readonly outageEffect: string;
}

type Client = ReturnType<typeof createClient>;

const noop = (): void => undefined;

/**
 * One node-redis client with the rate limiter's failure rules: commands never queue while Redis is away (the offline
 * queue is off), every command is bounded by `commandTimeoutMs` (a Redis that does not answer counts as failed), and
 * every failure rejects with `ERR_UNAVAILABLE`. It reconnects by itself (backing off to 1 s); an outage is logged once
 * when it starts and once when it ends, never per call.
 */
export class RedisLink {
  readonly address: string;
  readonly #client: Client;
  #failing = false;
  #lastError: unknown;

  constructor(
    private readonly settings: RedisLinkSettings,
    private readonly logger: Logger,
  ) {
    this.address = redisAddress(settings.url);
    this.#client = createClient({
      url: settings.url,
      disableOfflineQueue: true,
      commandsQueueMaxLength: 10_000,
      socket: {
        connectTimeout: Math.max(settings.commandTimeoutMs, 1_000),
        reconnectStrategy: (retries) => Math.min(50 * 2 ** Math.min(retries, 10), 1_000),
      },
    });
    this.#client.on('error', (error: unknown) => {
      this.#lastError = error;
      this.#down(error);
    });
    this.#client.on('ready', () => this.#up());
  }

  /** Connects, waiting up to `connectTimeoutMs`; the error names the address, never the credentials. */
  async open(): Promise<void> {
    const connecting = this.#client.connect();
    connecting.catch(noop);
    try {
      await bounded(connecting, this.settings.connectTimeoutMs, `no connection within ${this.settings.connectTimeoutMs} ms`);
    } catch (error) {
      this.#destroy();
      const last = this.#lastError !== undefined && this.#lastError !== error ? ` (last error: ${messageOf(this.#lastError)})` : '';
      throw new RampartError('ERR_UNAVAILABLE', `cannot connect to Redis at ${this.address}: ${messageOf(error)}${last}`, { cause: error });
    }
    this.logger.info({ redis: this.address }, 'rate limiter connected to redis');
  }

  /** Runs one command, bounded by `commandTimeoutMs`; any failure rejects with `ERR_UNAVAILABLE`, the cause in its reason. */
  async run<T>(what: string, command: (client: Client) => Promise<T>): Promise<T> {
    if (!this.#client.isReady) throw this.#unavailable(what, 'not connected', undefined);
    try {
      const result = await bounded(command(this.#client), this.settings.commandTimeoutMs, `no answer within ${this.settings.commandTimeoutMs} ms`);
      if (this.#failing) this.#up();
      return result;
    } catch (error) {
      throw this.#unavailable(what, messageOf(error), error);
    }
  }

  /** Quits (waiting up to `commandTimeoutMs` for pending replies), then drops the socket. Idempotent. */
  async close(): Promise<void> {
    if (!this.#client.isOpen) return;
    await bounded(this.#client.close(), this.settings.commandTimeoutMs, 'close').catch(noop);
    this.#destroy();
  }

  #unavailable(what: string, why: string, cause: unknown): RampartError {
    this.#down(cause ?? new Error(why));
    return new RampartError('ERR_UNAVAILABLE', 'rate limiter unavailable, try again later', {
      reason: `${what}: redis at ${this.address} ${why}`,
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  #down(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    this.logger.error({ redis: this.address, err: error }, `rate limiter's redis unavailable: ${this.settings.outageEffect} until it answers again`);
  }

  #up(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.logger.info({ redis: this.address }, "rate limiter's redis answers again");
  }

  #destroy(): void {
    try {
      if (this.#client.isOpen) this.#client.destroy();
    } catch {
      // already closed
    }
  }
}

/** `promise`, or a rejection with `message` after `ms`; the timer never outlives the race. */
async function bounded<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  promise.catch(noop);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The URL without credentials, for logs and error messages.
 *
 * @example
 * ```ts
 * redisAddress('redis://app:s3cret@10.0.0.5:6379/2'); // 'redis://10.0.0.5:6379/2'
 * ```
 */
export function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
