import { RampartError } from '@rampart/core';

/** One thing wrong with the configuration, as one line of the error message. */
export interface Problem {
  /** True for a secret given inline (in a config file or in `values`). */
  readonly inlineSecret: boolean;
  readonly text: string;
}

/**
 * Collects problems so that one error can report all of them.
 *
 * @example
 * ```ts
 * const problems = new Problems();
 * problems.add('server.port: must be a port (0-65535) ...');
 * problems.throwIfAny('configuration is invalid');
 * ```
 */
export class Problems {
  readonly #list: Problem[] = [];

  add(text: string, inlineSecret = false): void {
    this.#list.push({ text, inlineSecret });
  }

  get size(): number {
    return this.#list.length;
  }

  /**
   * Throws one RampartError listing every problem, one per line: `ERR_CONFIG_INLINE_SECRET` when any problem is an
   * inline secret, `ERR_CONFIG_INVALID` otherwise.
   */
  throwIfAny(heading: string): void {
    if (this.#list.length === 0) return;
    const code = this.#list.some((p) => p.inlineSecret) ? 'ERR_CONFIG_INLINE_SECRET' : 'ERR_CONFIG_INVALID';
    const count = this.#list.length === 1 ? '1 problem' : `${this.#list.length} problems`;
    const lines = this.#list.map((p) => `  ${p.text}`);
    throw new RampartError(code, [`${heading} (${count}):`, ...lines].join('\n'));
  }
}
