import { defineConfigSchema, type ConfigOf } from '@rampart/core';
import { resolveClaimMapping } from './claim-mapping.js';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, type IssuerConfig } from './token-types.js';
import { trustDomainList } from './trust-domain-list.js';
import { TOKEN_VERIFIER_DEFAULTS as D } from './verifier-settings.js';

const ISSUER_KEYS = new Set(['issuer', 'audience', 'jwksUri', 'jwksFile', 'jwksHosts', 'requireTyp', 'algorithms', 'claims']);
const ALGORITHMS: readonly string[] = [...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS];

/** An entry of `auth.tokens.issuers`: an issuer as config can give it (keys and secrets come another way). */
export type ConfiguredIssuer = Omit<IssuerConfig, 'jwks' | 'secret'>;

/** convict format of `auth.tokens.issuers`: a list of `{ issuer, audience?, jwksUri?, jwksFile?, jwksHosts?, requireTyp?, algorithms?, claims? }`. */
function issuerList(value: unknown): asserts value is readonly ConfiguredIssuer[] {
  if (!Array.isArray(value)) throw new Error('must be a JSON array of issuer objects');
  value.forEach((entry: unknown, i) => {
    const at = `entry ${i}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${at} must be an object`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (key === 'secret') throw new Error(`${at}: no secrets here; set RAMPART_AUTH_HMAC_SECRET (or _FILE) and auth.tokens.hmacIssuer`);
      if (!ISSUER_KEYS.has(key)) throw new Error(`${at}: unknown key "${key}" (known: ${[...ISSUER_KEYS].join(', ')})`);
    }
    if (typeof e.issuer !== 'string' || e.issuer.trim() === '') throw new Error(`${at}: "issuer" must be a non-empty string`);
    for (const key of ['jwksUri', 'jwksFile'] as const) {
      if (e[key] !== undefined && (typeof e[key] !== 'string' || e[key] === '')) throw new Error(`${at}: "${key}" must be a non-empty string`);
    }
    if (e.jwksUri !== undefined && !URL.canParse(e.jwksUri as string)) throw new Error(`${at}: "jwksUri" must be an absolute URL`);
    if (e.requireTyp !== undefined && typeof e.requireTyp !== 'boolean') throw new Error(`${at}: "requireTyp" must be true or false`);
    const hosts = e.jwksHosts;
    if (hosts !== undefined && !(Array.isArray(hosts) && hosts.every((h) => typeof h === 'string' && h !== ''))) {
      throw new Error(`${at}: "jwksHosts" must be a list of host names (host or host:port)`);
    }
    const aud = e.audience;
    if (aud !== undefined && !(typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string')))) {
      throw new Error(`${at}: "audience" must be a string or a list of strings`);
    }
    const algs = e.algorithms;
    if (algs !== undefined && !(Array.isArray(algs) && algs.every((a) => typeof a === 'string' && ALGORITHMS.includes(a)))) {
      throw new Error(`${at}: "algorithms" must be a list of ${ALGORITHMS.join(', ')}`);
    }
    try {
      resolveClaimMapping(e.claims);
    } catch (error) {
      throw new Error(`${at}: "claims" ${(error as Error).message} (see docs/guides/identity-providers.md)`, { cause: error });
    }
  });
}

/** convict format of `auth.tokens.issuer`: empty, or an absolute URL. */
function optionalUrl(value: unknown): void {
  if (value !== '' && !(typeof value === 'string' && URL.canParse(value))) throw new Error('must be an absolute URL or empty');
}

const nat = (doc: string, value: number, env: string) => ({ doc, format: 'nat', default: value, env }) as const;

/**
 * The convict schema of token verification, under `auth.tokens.*`. Add it to the app's schemas; read it back with
 * `tokenVerifierOptionsFromConfig`. The HMAC secret is sensitive: only `RAMPART_AUTH_HMAC_SECRET` or
 * `RAMPART_AUTH_HMAC_SECRET_FILE`, never a config file.
 *
 * @example
 * ```ts
 * const config = loadConfig({ schemas: [serverConfigSchema, tokenConfigSchema] });
 * const verifier = new TokenVerifier(tokenVerifierOptionsFromConfig(config));
 * ```
 */
export const tokenConfigSchema = defineConfigSchema({
  auth: {
    tokens: {
      issuer: {
        doc: 'One trusted token issuer URL (keys through OIDC discovery): the common single-issuer case. Added to `issuers`.',
        format: optionalUrl,
        default: '',
        env: 'RAMPART_AUTH_ISSUER',
      },
      issuers: {
        doc: "Trusted issuers, a JSON array of { issuer, audience?, jwksUri?, jwksFile?, jwksHosts?, requireTyp?, algorithms?, claims? }. Keys come from OIDC discovery unless jwksUri or jwksFile is given; a discovered jwks_uri must be https on the issuer's host or on a host listed in jwksHosts (host or host:port); algorithms default to RS256, PS256, ES256, EdDSA; requireTyp defaults to true (tokens must say typ at+jwt, RFC 9068): set it to false for an issuer whose access tokens say typ JWT. claims says which claims hold scopes, roles and the client id: a preset (keycloak, auth0, entra, okta, spire) or { preset?, scopes?, roles?, clientId? } (default scope/scp and client_id; see docs/guides/identity-providers.md).",
        format: issuerList,
        default: [],
        env: 'RAMPART_AUTH_ISSUERS',
      },
      audience: {
        doc: "This service's audience: tokens must name it in `aud` (a method or an issuer entry may expect another).",
        format: String,
        default: '',
        env: 'RAMPART_AUTH_AUDIENCE',
      },
      clockToleranceSec: nat('Allowed clock skew for exp, nbf and iat, in seconds.', D.clockToleranceSec, 'RAMPART_AUTH_CLOCK_TOLERANCE_SEC'),
      maxTokenBytes: nat('Longest bearer token accepted, checked before parsing.', D.maxTokenBytes, 'RAMPART_AUTH_MAX_TOKEN_BYTES'),
      cacheMax: nat('Most verified tokens cached (by SHA-256, until exp); 0 disables the cache.', D.cacheMax, 'RAMPART_AUTH_TOKEN_CACHE_MAX'),
      jwksTimeoutMs: nat("The cap on one call's wait for issuer discovery plus a JWKS fetch, in ms: the call's deadline ends the wait sooner when it comes first. Also the time budget of one discovery + JWKS fetch.", D.jwksTimeoutMs, 'RAMPART_AUTH_JWKS_TIMEOUT_MS'),
      discoveryMaxBytes: nat('Largest OIDC discovery document read, in bytes (at least 1024); a larger answer is refused and reading stops there.', D.discoveryMaxBytes, 'RAMPART_AUTH_DISCOVERY_MAX_BYTES'),
      jwksMaxBytes: nat('Largest JWKS read, in bytes (at least 1024); a larger answer is refused and reading stops there (the keys already loaded keep serving).', D.jwksMaxBytes, 'RAMPART_AUTH_JWKS_MAX_BYTES'),
      jwksCooldownMs: nat('After a JWKS fetch, how long an unknown kid does not trigger another, in ms.', D.jwksCooldownMs, 'RAMPART_AUTH_JWKS_COOLDOWN_MS'),
      jwksRefreshMs: nat('Age after which JWKS keys are refreshed in the background (kept if that fails), in ms.', D.jwksRefreshMs, 'RAMPART_AUTH_JWKS_REFRESH_MS'),
      jwksRetryBackoffMs: nat('After a call\'s discovery or JWKS fetch failed, how long before the next attempt, in ms (a failed start-up prefetch does not count).', D.retryBackoffMs, 'RAMPART_AUTH_JWKS_RETRY_BACKOFF_MS'),
      jwksFilePollMs: nat('How often a jwksFile is checked for changes (on use), in ms.', D.jwksFilePollMs, 'RAMPART_AUTH_JWKS_FILE_POLL_MS'),
      trustDomains: {
        doc: "SPIFFE trust domains whose JWT-SVIDs are accepted as bearer tokens, a JSON array of { trustDomain, bundleFile? | bundleUri? | oidcDiscovery? | workloadApi?: true, jwksHosts?, audience?, algorithms? } with exactly one key source: a SPIFFE bundle file (JWK Set; keys with use jwt-svid count, x509-svid keys are ignored; re-read on change), a JWKS or SPIFFE bundle endpoint URL (https), SPIRE's OIDC Discovery Provider base URL (discovery, then its jwks_uri; jwksHosts as for issuers), or the Workload API (needs a JWT bundle source passed to rampartAuth). A token goes this way when its iss names no configured issuer and its sub is a SPIFFE ID of a listed trust domain; it is verified by the JWT-SVID rules (kid, aud, exp required; algorithms RS/ES/PS 256-512, default all) with that trust domain's keys only (ADR 0050).",
        format: trustDomainList,
        default: [],
        env: 'RAMPART_AUTH_TRUST_DOMAINS',
      },
      hmacSecret: {
        doc: 'HMAC secret (>= 32 bytes) for HS256 tokens of auth.tokens.hmacIssuer. Only from the environment or a file.',
        format: String,
        default: '',
        sensitive: true,
        env: 'RAMPART_AUTH_HMAC_SECRET',
      },
      hmacIssuer: {
        doc: 'The issuer the HMAC secret belongs to; that issuer then accepts HS256 (or its HS* algorithms) only.',
        format: String,
        default: '',
        env: 'RAMPART_AUTH_HMAC_ISSUER',
      },
    },
  },
});

/** The config of token verification, `auth.tokens.*`, as `tokenVerifierOptionsFromConfig` reads it. */
export type TokenConfig = ConfigOf<typeof tokenConfigSchema>;
