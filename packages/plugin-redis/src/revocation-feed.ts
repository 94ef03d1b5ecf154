import { RampartError, type Logger } from '@rampart/core';
import type { OpenStreams } from './open-streams.js';
import { decodeRevocation, revocationChannel } from './revocation-channel.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisRevocationList } from './revocation-list.js';

/** How long to wait before re-checking open streams again when Redis could not answer the re-check. */
const RECHECK_RETRY_MS = 1_000;

/**
 * Brings revocations to the open streams of this process: subscribed to `<prefix>revocations` on a connection of
 * its own, it ends the streams an announced revocation concerns as the message arrives. Pub/sub delivers at most
 * once, so when the subscription comes back after a lost connection (announcements may have been missed), every
 * open stream is checked against the list again (one `MGET` each), and again after {@link RECHECK_RETRY_MS} while
 * Redis cannot answer.
 *
 * @example
 * ```ts
 * const feed = new RevocationFeed(new RedisConnection(settings, logger), list, openStreams, 'rampart:', logger);
 * await feed.open();   // onInit
 * await feed.close();  // onClose
 * ```
 */
export class RevocationFeed {
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly subscriber: RedisConnection,
    private readonly list: RedisRevocationList,
    private readonly streams: OpenStreams,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {
    subscriber.onReconnect(() => void this.recheck());
  }

  /** Connects and subscribes; fails (start-up stops) when Redis cannot be reached. */
  async open(): Promise<void> {
    await this.subscriber.open();
    await this.subscriber.subscribe(revocationChannel(this.keyPrefix), (message) => {
      const revocation = decodeRevocation(message);
      if (revocation === undefined) return;
      const ended = this.streams.revoked(revocation);
      if (ended > 0) this.logger.info({ revoked: revocation.kind, streams: ended }, 'ended open streams of a revoked token');
    });
  }

  /** Checks every open stream against the list; ends the revoked ones. Returns how many it ended. */
  async recheck(): Promise<number> {
    clearTimeout(this.#retry);
    const streams = this.streams.snapshot();
    let ended = 0;
    const results = await Promise.allSettled(
      streams.map(async (stream) => {
        const kind = await this.list.check(stream.ids);
        if (kind === undefined) return;
        ended += 1;
        stream.end(kind);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined && !this.#closed) {
      const error = RampartError.from(failed.reason);
      this.logger.warn({ reason: error.reason ?? error.message, streams: streams.length }, 'could not re-check open streams for revocations; retrying');
      this.#retry = setTimeout(() => void this.recheck(), RECHECK_RETRY_MS);
      this.#retry.unref();
    }
    return ended;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.subscriber.close();
  }
}
