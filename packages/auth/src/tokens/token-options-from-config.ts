import { RampartError, type ConfigReader } from '@rampart/core';
import type { IssuerConfig, TokenVerifierOptions } from './token-types.js';

/**
 * Builds {@link TokenVerifierOptions} from the keys of `tokenConfigSchema`. `auth.tokens.issuer` is added to
 * `auth.tokens.issuers` unless listed; the HMAC secret goes to the issuer named by `auth.tokens.hmacIssuer` (added
 * when not listed, refused when that issuer has jwksUri/jwksFile). `extras` adds what config cannot hold.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier(tokenVerifierOptionsFromConfig(config, { logger }));
 * ```
 */
export function tokenVerifierOptionsFromConfig(
  config: ConfigReader,
  extras: Pick<TokenVerifierOptions, 'logger' | 'fetch' | 'now'> = {},
): TokenVerifierOptions {
  const get = <T>(key: string): T => config.get<T>(`auth.tokens.${key}`);
  const issuers: IssuerConfig[] = get<readonly IssuerConfig[]>('issuers').map((entry) => ({ ...entry }));
  const single = get<string>('issuer');
  if (single !== '' && !issuers.some((entry) => entry.issuer === single)) issuers.push({ issuer: single });
  const secret = get<string>('hmacSecret');
  const hmacIssuer = get<string>('hmacIssuer');
  if ((secret === '') !== (hmacIssuer === '')) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      secret === ''
        ? 'auth.tokens.hmacIssuer is set but no secret: set RAMPART_AUTH_HMAC_SECRET or RAMPART_AUTH_HMAC_SECRET_FILE'
        : 'auth.tokens.hmacSecret is set but auth.tokens.hmacIssuer is not: name the issuer the secret belongs to',
    );
  }
  if (secret !== '') {
    const index = issuers.findIndex((entry) => entry.issuer === hmacIssuer);
    const listed = issuers[index];
    if (listed?.jwksUri !== undefined || listed?.jwksFile !== undefined) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `auth.tokens.hmacIssuer ${JSON.stringify(hmacIssuer)} also has jwksUri/jwksFile: an issuer uses either keys or a secret`,
      );
    }
    if (listed === undefined) issuers.push({ issuer: hmacIssuer, secret });
    else issuers[index] = { ...listed, secret };
  }
  const audience = get<string>('audience');
  return {
    issuers,
    ...(audience === '' ? {} : { audience }),
    clockToleranceSec: get<number>('clockToleranceSec'),
    maxTokenBytes: get<number>('maxTokenBytes'),
    cacheMax: get<number>('cacheMax'),
    jwksTimeoutMs: get<number>('jwksTimeoutMs'),
    discoveryMaxBytes: get<number>('discoveryMaxBytes'),
    jwksMaxBytes: get<number>('jwksMaxBytes'),
    jwksCooldownMs: get<number>('jwksCooldownMs'),
    jwksRefreshMs: get<number>('jwksRefreshMs'),
    retryBackoffMs: get<number>('jwksRetryBackoffMs'),
    jwksFilePollMs: get<number>('jwksFilePollMs'),
    ...extras,
  };
}
