import { RampartError, type Logger } from '@rampart/core';
import type { createClient } from '@redis/client';
import { redisAddress, type RedisSettings } from './redis-settings.js';

/**
 * The message a call refused for want of Redis gets on the wire, with UNAVAILABLE (the reason goes to the audit log).
 *
 * @example
 * ```ts
 * if (err.code === Status.UNAVAILABLE && err.details === REDIS_UNAVAILABLE_MESSAGE) retryLater();
 * ```
 */
export const REDIS_UNAVAILABLE_MESSAGE = 'auth store unavailable, try again later';

/**
 * The node-redis client the plugin uses (RESP2, no modules), as handed to {@link RedisConnection.run}.
 *
 * @example
 * ```ts
 * const ttl = await connection.run('ttl', (client: RedisClient) => client.pTTL('rampart:revoked:sub:mallory'));
 * ```
 */
export type RedisClient = ReturnType<typeof createClient>;

/**
 * What {@link RedisConnection} needs to connect.
 *
 * @example
 * ```ts
 * const settings: RedisConnectionSettings = { url, commandTimeoutMs: 300, connectTimeoutMs: 5_000, reconnectMaxDelayMs: 1_000 };
 * ```
 */
export type RedisConnectionSettings = Pick<RedisSettings, 'url' | 'commandTimeoutMs' | 'connectTimeoutMs' | 'reconnectMaxDelayMs'>;

const noop = (): void => undefined;

/**
 * One node-redis client with the plugin's failure rules: commands never queue while Redis is away (the offline
 * queue is off), every command is bounded by `commandTimeoutMs`, and any failure becomes `ERR_UNAVAILABLE`
 * (UNAVAILABLE on the wire) so callers fail closed. The client reconnects by itself (backing off to
 * `reconnectMaxDelayMs`); an outage is logged once when it starts and once when it ends, never per call.
 *
 * @example
 * ```ts
 * const connection = new RedisConnection(settings, logger);
 * await connection.open();
 * const reply = await connection.run('ping', (client) => client.ping());
 * await connection.close();
 * ```
 */
export class RedisConnection {
  readonly address: string;
  #client: RedisClient | undefined;
  readonly #timeoutMs: number;
  #failing = false;
  #opened = false;
  #lastError: unknown;
  #readyBefore = false;
  readonly #reconnected: (() => void)[] = [];

  constructor(
    private readonly settings: RedisConnectionSettings,
    private readonly logger: Logger,
  ) {
    this.address = redisAddress(settings.url);
    this.#timeoutMs = settings.commandTimeoutMs;
  }

  /** Whether commands can be sent now. */
  get ready(): boolean {
    return this.#client?.isReady ?? false;
  }

  /**
   * Makes the node-redis client. `@redis/client` is imported here, not when the module loads: an app that imports
   * this package but configures no Redis (`rampartRedisWhenConfigured()` on a laptop) does not load its ~400 modules
   * at every start (ADR 0051).
   */
  async #createClient(): Promise<RedisClient> {
    const { createClient } = await import('@redis/client');
    const { settings } = this;
    const client: RedisClient = createClient({
      url: settings.url,
      disableOfflineQueue: true,
      commandsQueueMaxLength: 10_000,
      socket: {
        connectTimeout: Math.max(settings.commandTimeoutMs, 1_000),
        reconnectStrategy: (retries) => Math.min(50 * 2 ** Math.min(retries, 10), settings.reconnectMaxDelayMs),
      },
    });
    client.on('error', (error: unknown) => {
      this.#lastError = error;
      this.#down(error);
    });
    client.on('ready', () => {
      this.#up();
      if (this.#readyBefore) for (const listener of this.#reconnected) listener();
      this.#readyBefore = true;
    });
    return client;
  }

  /**
   * Connects, waiting up to `connectTimeoutMs` for the first connection. On failure the client is destroyed and
   * the error names the address (never the credentials).
   */
  async open(): Promise<void> {
    if (this.#opened) return;
    this.#opened = true;
    this.#client = await this.#createClient();
    const connecting = this.#client.connect();
    connecting.catch(noop);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        connecting,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no connection within ${this.settings.connectTimeoutMs} ms`)), this.settings.connectTimeoutMs);
        }),
      ]);
    } catch (error) {
      this.#destroy();
      const last = this.#lastError !== undefined && this.#lastError !== error ? ` (last error: ${messageOf(this.#lastError)})` : '';
      throw new RampartError('ERR_UNAVAILABLE', `cannot connect to Redis at ${this.address}: ${messageOf(error)}${last}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
    this.logger.info({ redis: this.address }, 'connected to redis');
  }

  /**
   * Runs one command, bounded by `commandTimeoutMs`. Any failure (not connected, timeout, error reply) is thrown as
   * `ERR_UNAVAILABLE` with `what` and the cause in its reason.
   */
  async run<T>(what: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (client?.isReady !== true) throw this.#unavailable(what, 'not connected', undefined);
    let timer: NodeJS.Timeout | undefined;
    try {
      const pending = command(client);
      pending.catch(noop);
      const result = await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
        }),
      ]);
      if (this.#failing) this.#up();
      return result;
    } catch (error) {
      throw this.#unavailable(what, messageOf(error), error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Subscribes to `channel` (bounded like any command). A subscribed connection runs no other command, so use a
   * connection of its own. After a reconnect the client subscribes again by itself, before `onReconnect` listeners run.
   */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    await this.run(`subscribe ${channel}`, (client) => client.subscribe(channel, listener));
  }

  /** Runs `listener` each time the connection is ready again after it was lost (not on the first connection). */
  onReconnect(listener: () => void): void {
    this.#reconnected.push(listener);
  }

  /** Quits (waiting up to `commandTimeoutMs` for pending replies), then drops the socket. Idempotent. */
  async close(): Promise<void> {
    const client = this.#client;
    if (client?.isOpen !== true) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.close().catch(noop),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.#destroy();
    this.logger.debug({ redis: this.address }, 'redis connection closed');
  }

  #unavailable(what: string, why: string, cause: unknown): RampartError {
    this.#down(cause ?? new Error(why));
    return new RampartError('ERR_UNAVAILABLE', REDIS_UNAVAILABLE_MESSAGE, {
      reason: `${what}: redis at ${this.address} ${why}`,
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  #down(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    this.logger.error(
      { redis: this.address, err: error },
      'redis unavailable: calls that need it (one-time tokens, revocation checks) fail with UNAVAILABLE until it answers again',
    );
  }

  #up(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.logger.info({ redis: this.address }, 'redis answers again');
  }

  #destroy(): void {
    try {
      if (this.#client?.isOpen === true) this.#client.destroy();
    } catch {
      // already closed
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
