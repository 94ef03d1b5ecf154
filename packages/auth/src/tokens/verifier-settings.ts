import { RampartError } from '@rampart/core';
import type { TokenVerifierOptions } from './token-types.js';

/**
 * Defaults of {@link TokenVerifierOptions}; each is documented there.
 *
 * @example
 * ```ts
 * TOKEN_VERIFIER_DEFAULTS.jwksTimeoutMs; // 5000
 * ```
 */
export const TOKEN_VERIFIER_DEFAULTS = Object.freeze({
  clockToleranceSec: 30,
  maxTokenBytes: 8192,
  cacheMax: 10_000,
  jwksTimeoutMs: 5000,
  jwksCooldownMs: 30_000,
  jwksRefreshMs: 600_000,
  retryBackoffMs: 5000,
  jwksFilePollMs: 1000,
  discoveryMaxBytes: 131_072,
  jwksMaxBytes: 524_288,
});

/**
 * The numeric settings of a verifier, defaults applied.
 *
 * @example
 * ```ts
 * const settings: VerifierSettings = verifierSettings(options);
 * ```
 */
export type VerifierSettings = { -readonly [K in keyof typeof TOKEN_VERIFIER_DEFAULTS]: number };

const MINIMUM: Readonly<Record<keyof VerifierSettings, number>> = {
  clockToleranceSec: 0,
  maxTokenBytes: 64,
  cacheMax: 0,
  jwksTimeoutMs: 1,
  jwksCooldownMs: 0,
  jwksRefreshMs: 0,
  retryBackoffMs: 0,
  jwksFilePollMs: 0,
  discoveryMaxBytes: 1024,
  jwksMaxBytes: 1024,
};

/**
 * Applies {@link TOKEN_VERIFIER_DEFAULTS} to the numeric options and checks them: each must be an integer at or
 * above its minimum (a timeout of at least 1 ms, a token cap of at least 64 bytes), else `ERR_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * verifierSettings({ issuers, jwksTimeoutMs: 800 }).jwksTimeoutMs; // 800
 * ```
 */
export function verifierSettings(options: TokenVerifierOptions): VerifierSettings {
  const settings: VerifierSettings = { ...TOKEN_VERIFIER_DEFAULTS };
  const problems: string[] = [];
  for (const key of Object.keys(settings) as (keyof VerifierSettings)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < MINIMUM[key]) {
      problems.push(`${key} must be an integer >= ${MINIMUM[key]} (got ${String(value)})`);
    } else settings[key] = value;
  }
  if (problems.length > 0) {
    throw new RampartError('ERR_CONFIG_INVALID', `token verification is misconfigured:\n  ${problems.join('\n  ')}`);
  }
  return settings;
}
