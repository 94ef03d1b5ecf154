import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '@rampart/core';
import type { FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters } from 'jose';
import { KeySelection, type KeyHint, type KeySource } from './key-source.js';
import { invalidToken, quote } from './token-errors.js';

/**
 * Timing and plumbing for a {@link FileKeySource}.
 *
 * @example
 * ```ts
 * const settings: FileKeySettings = { pollMs: 1000, logger: undefined, now: Date.now };
 * ```
 */
export interface FileKeySettings {
  /** Least time between two checks of the file's modification time, in ms. */
  readonly pollMs: number;
  readonly logger: Logger | undefined;
  readonly now: () => number;
  /** Turns the file's JSON into the key set to use (default: taken as a JWKS); throws when it is unusable. */
  readonly toKeySet?: (json: unknown) => JSONWebKeySet;
}

/**
 * An issuer's keys from a local JWKS file. On use, at most every `pollMs`, the file's size and modification time are
 * checked; when they changed the file is read again. A missing, unreadable or invalid file keeps the last good keys
 * and logs a warning once per version of the file. No timers: nothing to close.
 *
 * @example
 * ```ts
 * const source = new FileKeySource('/etc/rampart/issuer-jwks.json', { pollMs: 1000, logger, now: Date.now });
 * ```
 */
export class FileKeySource implements KeySource {
  readonly #path: string;
  readonly #settings: FileKeySettings;
  #keys: KeySelection | undefined;
  #stamp: string | undefined;
  #badStamp: string | undefined;
  #lastError = 'not read yet';
  #checkedAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<void> | undefined;

  constructor(path: string, settings: FileKeySettings) {
    this.#path = path;
    this.#settings = settings;
  }

  async getKey(header: JWSHeaderParameters, token: FlattenedJWSInput) {
    if (this.#keys === undefined || this.#settings.now() - this.#checkedAt >= this.#settings.pollMs) {
      await this.#check();
    }
    if (this.#keys === undefined) {
      throw invalidToken(`JWKS file ${quote(this.#path)} has no usable keys: ${this.#lastError}`);
    }
    return this.#keys.select(header, token);
  }

  keyNow(hint: KeyHint) {
    if (this.#keys === undefined || this.#settings.now() - this.#checkedAt >= this.#settings.pollMs) return undefined;
    return this.#keys.selected(hint);
  }

  trusts(kid: string): boolean {
    if (this.#settings.now() - this.#checkedAt >= this.#settings.pollMs) this.#check().catch(() => undefined);
    return this.#keys?.hasKid(kid) ?? false;
  }

  async prefetch(): Promise<void> {
    await this.#check();
    if (this.#keys === undefined) {
      throw invalidToken(`JWKS file ${quote(this.#path)} has no usable keys: ${this.#lastError}`);
    }
  }

  #check(): Promise<void> {
    this.#pending ??= this.#load().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #load(): Promise<void> {
    this.#checkedAt = this.#settings.now();
    let stamp: string;
    try {
      const info = await stat(this.#path);
      stamp = `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    } catch (error) {
      this.#reject(`missing:${(error as NodeJS.ErrnoException).code ?? ''}`, error);
      return;
    }
    if (stamp === this.#stamp || stamp === this.#badStamp) return;
    try {
      const text = await readFile(this.#path, 'utf8');
      const json = parseJson(text);
      this.#keys = new KeySelection(this.#settings.toKeySet === undefined ? (json as JSONWebKeySet) : this.#settings.toKeySet(json));
      this.#stamp = stamp;
      this.#badStamp = undefined;
      this.#lastError = '';
      this.#settings.logger?.info({ path: this.#path }, 'JWKS file loaded');
    } catch (error) {
      this.#reject(stamp, error);
    }
  }

  #reject(stamp: string, error: unknown): void {
    if (stamp === this.#badStamp) return;
    this.#badStamp = stamp;
    this.#lastError = `cannot use it: ${error instanceof Error ? error.message : String(error)}`;
    const kept = this.#keys === undefined ? 'no keys loaded' : 'keeping the last good keys';
    this.#settings.logger?.warn({ path: this.#path, reason: this.#lastError }, `JWKS file unusable, ${kept}`);
  }
}

/** JSON.parse without quoting the file in the error (it could be the wrong file, e.g. a private key). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
}
