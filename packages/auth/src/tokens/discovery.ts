import type { TokenFetch } from './token-types.js';
import { invalidToken, quote } from './token-errors.js';

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/**
 * Whether keys may be fetched from `url`: HTTPS anywhere, plain HTTP only on a loopback host (development, tests).
 *
 * @example
 * ```ts
 * isFetchableUrl(new URL('http://127.0.0.1:8080/jwks')); // true
 * isFetchableUrl(new URL('http://issuer.example/jwks')); // false
 * ```
 */
export function isFetchableUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return LOOPBACK_HOSTS.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname);
}

/**
 * The OIDC discovery URL of an issuer: `<issuer without trailing slash>/.well-known/openid-configuration`.
 *
 * @example
 * ```ts
 * discoveryUrl('https://issuer.example/tenant/'); // 'https://issuer.example/tenant/.well-known/openid-configuration'
 * ```
 */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * Fetches an issuer's OIDC discovery document and returns its `jwks_uri`. Refuses a document whose `issuer` is not
 * exactly the configured one, a `jwks_uri` that is not HTTPS (or loopback HTTP), redirects and non-200 answers.
 * Every failure is `ERR_TOKEN_INVALID` with a reason.
 *
 * @example
 * ```ts
 * const jwksUri = await discoverJwksUri('https://issuer.example', fetch, AbortSignal.timeout(1500));
 * ```
 */
export async function discoverJwksUri(issuer: string, fetchImpl: TokenFetch, signal: AbortSignal): Promise<URL> {
  const url = discoveryUrl(issuer);
  let document: unknown;
  try {
    const headers = new Headers({ accept: 'application/json' });
    const response = await fetchImpl(url, { method: 'GET', redirect: 'manual', headers, signal });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw invalidToken(`OIDC discovery of ${quote(issuer)} answered HTTP ${response.status}`);
    }
    document = await response.json();
  } catch (error) {
    if (error instanceof Error && error.name === 'RampartError') throw error;
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const what = timedOut ? 'timed out' : `failed: ${error instanceof Error ? error.message : String(error)}`;
    throw invalidToken(`OIDC discovery of ${quote(issuer)} ${what}`, error);
  }
  const { issuer: claimed, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  if (claimed !== issuer) {
    throw invalidToken(`OIDC discovery issuer mismatch: configured ${quote(issuer)}, document says ${quote(claimed)}`);
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri) || !isFetchableUrl(new URL(jwksUri))) {
    throw invalidToken(`OIDC discovery of ${quote(issuer)} has no usable https jwks_uri (got ${quote(jwksUri)})`);
  }
  return new URL(jwksUri);
}
