import type { AnnouncedRevocation } from './revocation-channel.js';
import type { TokenIdentifiers } from './revocation-list.js';
import { REVOCATION_KINDS as KINDS, type RevocationKind } from './revocation-kind.js';

/** Ends one open stream, saying which of its token's identifiers was revoked. */
export type EndRevokedStream = (kind: RevocationKind) => void;

/**
 * One open stream being watched.
 *
 * @example
 * ```ts
 * for (const stream of openStreams.snapshot()) if (await list.check(stream.ids)) stream.end('jti');
 * ```
 */
export interface WatchedStream {
  readonly ids: TokenIdentifiers;
  readonly end: EndRevokedStream;
}

const keyOf = (kind: RevocationKind, value: string): string => `${kind}\n${value}`;

/**
 * The open streams of this process that carry a token, indexed by the token's `jti`, `sub` and client id, so an
 * announced revocation ends exactly the streams it concerns without a Redis command per stream. Memory: one entry
 * and up to three index slots per open stream.
 *
 * @example
 * ```ts
 * const release = openStreams.watch({ jti, sub, clientId }, (kind) => stream.end(revokedError(kind)));
 * stream.onEnd(release);
 * openStreams.revoked({ kind: 'sub', value: 'mallory' }); // ends mallory's streams, returns how many
 * ```
 */
export class OpenStreams {
  readonly #index = new Map<string, Set<WatchedStream>>();
  readonly #all = new Set<WatchedStream>();

  /** How many streams are watched. */
  get size(): number {
    return this.#all.size;
  }

  /** Watches a stream until the returned release runs (call it when the stream ends, however it ends). */
  watch(ids: TokenIdentifiers, end: EndRevokedStream): () => void {
    const stream: WatchedStream = { ids, end };
    this.#all.add(stream);
    for (const kind of KINDS) {
      const value = ids[kind];
      if (value === undefined) continue;
      const key = keyOf(kind, value);
      let streams = this.#index.get(key);
      if (streams === undefined) this.#index.set(key, (streams = new Set()));
      streams.add(stream);
    }
    return () => this.#forget(stream);
  }

  /** Ends every watched stream the revocation concerns; returns how many. */
  revoked({ kind, value }: AnnouncedRevocation): number {
    const streams = [...(this.#index.get(keyOf(kind, value)) ?? [])];
    for (const stream of streams) {
      this.#forget(stream);
      try {
        stream.end(kind);
      } catch {
        // Ending one stream must not keep the others open; the call's own error handling has it.
      }
    }
    return streams.length;
  }

  /** The watched streams now, for a re-check against the list (after announcements may have been missed). */
  snapshot(): WatchedStream[] {
    return [...this.#all];
  }

  #forget(stream: WatchedStream): void {
    if (!this.#all.delete(stream)) return;
    for (const kind of KINDS) {
      const value = stream.ids[kind];
      if (value === undefined) continue;
      const key = keyOf(kind, value);
      const streams = this.#index.get(key);
      streams?.delete(stream);
      if (streams?.size === 0) this.#index.delete(key);
    }
  }
}
