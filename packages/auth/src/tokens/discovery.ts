import { fetchJson } from './fetch-json.js';
import { invalidToken, quote } from './token-errors.js';
import type { TokenFetch } from './token-types.js';

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
 * What discovery needs besides the issuer: the fetch, the reload's time budget, the size cap of the document, and the
 * hosts other than the issuer's own its `jwks_uri` may name.
 *
 * @example
 * ```ts
 * const options: DiscoveryOptions = { fetch, signal: AbortSignal.timeout(5000), maxBytes: 131_072, jwksHosts: [] };
 * ```
 */
export interface DiscoveryOptions {
  readonly fetch: TokenFetch;
  readonly signal: AbortSignal;
  readonly maxBytes: number;
  readonly jwksHosts: readonly string[];
}

/**
 * Fetches an issuer's OIDC discovery document (at most `maxBytes`, see {@link fetchJson}) and returns its `jwks_uri`.
 * Refuses a document whose `issuer` is not exactly the configured one, redirects, non-200 answers, and a `jwks_uri`
 * that {@link jwksUriProblem} refuses: keys come over HTTPS from the issuer's own host unless `jwksHosts` names
 * another. Every failure is `ERR_TOKEN_INVALID` with a reason.
 *
 * @example
 * ```ts
 * const jwksUri = await discoverJwksUri('https://issuer.example', { fetch, signal, maxBytes: 131_072, jwksHosts: [] });
 * ```
 */
export async function discoverJwksUri(issuer: string, options: DiscoveryOptions): Promise<URL> {
  const what = `OIDC discovery of ${quote(issuer)}`;
  const document = await fetchJson(new URL(discoveryUrl(issuer)), {
    what,
    fetch: options.fetch,
    signal: options.signal,
    maxBytes: options.maxBytes,
    limitSetting: 'auth.tokens.discoveryMaxBytes',
    accept: 'application/json',
  });
  const { issuer: claimed, jwks_uri: jwksUri } = (typeof document === 'object' && document !== null ? document : {}) as {
    issuer?: unknown;
    jwks_uri?: unknown;
  };
  if (claimed !== issuer) {
    throw invalidToken(`OIDC discovery issuer mismatch: configured ${quote(issuer)}, document says ${quote(claimed)}`);
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw invalidToken(`${what} has no usable jwks_uri (got ${quote(jwksUri)})`);
  }
  const url = new URL(jwksUri);
  const problem = jwksUriProblem(issuer, url, options.jwksHosts);
  if (problem !== undefined) throw invalidToken(`${what} names jwks_uri ${quote(jwksUri)}: ${problem}`);
  return url;
}

/**
 * Why a `jwks_uri` named by an issuer's discovery document must not be fetched, or undefined when it may. It must be
 * HTTPS, carry no credentials, and be on the issuer's own host (`host[:port]`, compared exactly) or on one listed in
 * `jwksHosts` (the issuer's `jwksHosts` setting). Plain HTTP is accepted only for an issuer that is itself
 * configured as plain HTTP on loopback (development, tests), and then only on the issuer's own origin: a discovery
 * document can never send key fetches to another host, nor to plain HTTP.
 *
 * @example
 * ```ts
 * jwksUriProblem('https://issuer.example', new URL('https://issuer.example/keys'), []); // undefined
 * jwksUriProblem('https://issuer.example', new URL('https://keys.example/jwks'), []); // 'not on the issuer's host …'
 * jwksUriProblem('https://issuer.example', new URL('https://keys.example/jwks'), ['keys.example']); // undefined
 * ```
 */
export function jwksUriProblem(issuer: string, jwksUri: URL, jwksHosts: readonly string[]): string | undefined {
  const own = new URL(issuer);
  if (jwksUri.username !== '' || jwksUri.password !== '') return 'a URL with credentials is refused';
  if (jwksUri.protocol !== 'https:') {
    const devIssuer = own.protocol === 'http:' && isFetchableUrl(own);
    if (!devIssuer || jwksUri.origin !== own.origin) {
      return `not https: keys are fetched over HTTPS only (plain HTTP only from a loopback issuer configured as http, on its own origin ${quote(own.origin)})`;
    }
    return undefined;
  }
  if (jwksUri.host === own.host || jwksHosts.includes(jwksUri.host)) return undefined;
  return `not on the issuer's host ${quote(own.host)}; to trust keys from ${quote(jwksUri.host)}, list it in jwksHosts on the issuer's entry in auth.tokens.issuers`;
}
