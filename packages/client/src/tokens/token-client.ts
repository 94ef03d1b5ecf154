import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@rampart/core';
import type { ClientIdentity } from '../tls/channel-identity.js';
import { RotatingTlsAgent, type ClientTlsFiles, type TokenTlsAgents } from './https-agent.js';
import type { ServerMetadata } from 'openid-client';
import { clientAuthFor, type ClientAuthentication } from './client-authentication.js';
import { DEFAULT_TOKEN_CACHE_TIMING, TokenCache, type TokenCacheTiming } from './token-cache.js';
import { discoverIssuer, requestToken, type TokenResponse } from './token-endpoint.js';

/** The token request parameter that names the audience. */
export type AudienceParameter = 'resource' | 'audience' | 'scope';

/**
 * The audience and scope parameters of a token request for `audience`, in the style the issuer needs.
 *
 * @example
 * ```ts
 * audienceParameters('scope', 'api://inventory'); // { scope: 'api://inventory/.default' }
 * ```
 */
export function audienceParameters(
  style: AudienceParameter,
  audience: string,
  scopes: readonly string[] = [],
): Record<string, string> {
  if (style === 'scope') return { scope: `${audience.replace(/\/+$/, '')}/.default` };
  const scope = scopes.join(' ');
  return { [style]: audience, ...(scope ? { scope } : {}) };
}

/**
 * How a workload gets tokens from its issuer: the settings, and where its certificate, key and the issuer's trust
 * bundle come from: files (`certFile`, `keyFile`, `caFile`, re-read when they change) or agents of your own (`tls`,
 * e.g. `InMemoryTlsAgents` over the SPIFFE Workload API).
 */
export type TokenClientOptions = TokenClientSettings & (ClientTlsFiles | { readonly tls: TokenTlsAgents });

/** What a token client is configured with, besides its TLS material (see {@link TokenClientOptions}). */
export interface TokenClientSettings {
  /** The issuer URL; the token endpoint is found through OIDC discovery. */
  readonly issuer: string;
  /** This workload's `client_id` at the issuer. */
  readonly clientId: string;
  /**
   * How it authenticates at the token endpoint; default `tls_client_auth` (RFC 8705: its certificate, whose SPIFFE ID
   * the issuer has registered). Requests always go over mutual TLS with the workload's certificate.
   */
  readonly authentication?: ClientAuthentication;
  /** Scopes to ask for, per audience. */
  readonly scopes?: Readonly<Record<string, readonly string[]>>;
  /**
   * How the audience is named in token requests, as the issuer needs it: `resource` (RFC 8707, the default; the
   * sample issuer, Okta), `audience` (Auth0), or `scope` (`<audience>/.default`, Entra ID; per-audience scopes are
   * not sent then).
   */
  readonly audienceParameter?: AudienceParameter;
  /** Longest wait for one token request, in ms (default 5000). */
  readonly requestTimeoutMs?: number;
  readonly timing?: Partial<TokenCacheTiming>;
  /** Most tokens kept (one per audience, one per caller token and audience exchanged); default 10 000, LRU. */
  readonly cacheMaxEntries?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * The source of the tokens a client sends. `identity`, when given, is the certificate and key of the connections the
 * token will be sent on: a certificate-bound token must be bound to exactly that certificate (`createClient` passes
 * it when its credentials come from `createMtlsChannelCredentials`).
 */
export interface TokenSource {
  /** A token for `audience` from OAuth 2.0 client credentials, certificate-bound. */
  token(audience: string, identity?: ClientIdentity): Promise<string>;
  /** A token for `audience` on behalf of the subject of `subjectToken` (RFC 8693 token exchange). */
  exchange(subjectToken: string, audience: string, identity?: ClientIdentity): Promise<string>;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const TLS_CLIENT_AUTH: ClientAuthentication = { method: 'tls_client_auth' };

/** A token request whose connection failed (refused, reset) is sent again until its timeout, the waits growing to 1 s. */
const CONNECT_RETRY_MS = 200;
const CONNECT_RETRY_MAX_MS = 1_000;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Whether a request failed before the issuer could answer it: nothing was issued, so it can be sent again. */
function unreachable(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return error instanceof TypeError && typeof cause?.code === 'string' && UNREACHABLE.has(cause.code);
}

/** The cache key part that keeps tokens bound to different certificates apart. */
const boundTo = (identity: ClientIdentity | undefined): string => (identity === undefined ? '' : `|${identity.fingerprint256}`);
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * Gets short-lived, certificate-bound access tokens for a workload: client credentials per audience (resource
 * indicator), and token exchange for calls made on behalf of a caller, both over mutual TLS with the workload's
 * certificate, cached, refreshed before expiry, single-flight, with backoff.
 *
 * @example
 * ```ts
 * const tokens = new TokenClient({ issuer, clientId: 'spiffe://demo.rampart.dev/orders', certFile, keyFile, caFile,
 *   scopes: { inventory: ['inventory:reserve'] } });
 * const token = await tokens.token('inventory');
 * ```
 */
export class TokenClient implements TokenSource {
  readonly #agent: TokenTlsAgents;
  readonly #cache: TokenCache;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #server: Promise<ServerMetadata> | undefined;

  constructor(private readonly options: TokenClientOptions) {
    this.#agent =
      'tls' in options
        ? options.tls
        : new RotatingTlsAgent(options, (problem) =>
            options.logger?.error({ problem }, 'token client certificate or key not usable; the previous ones stay in use until fixed'),
          );
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.requestTimeoutMs ?? 5_000;
    this.#cache = new TokenCache(
      { ...DEFAULT_TOKEN_CACHE_TIMING, ...options.timing },
      this.#now,
      options.random,
      options.logger,
      options.cacheMaxEntries,
    );
  }

  token(audience: string, identity?: ClientIdentity): Promise<string> {
    return this.#cache.get(`cc|${audience}${boundTo(identity)}`, () =>
      this.#request(identity, 'client_credentials', this.#audience(audience)),
    );
  }

  exchange(subjectToken: string, audience: string, identity?: ClientIdentity): Promise<string> {
    const subject = createHash('sha256').update(subjectToken).digest('base64url');
    return this.#cache.get(`tx|${subject}|${audience}${boundTo(identity)}`, () =>
      this.#request(identity, TOKEN_EXCHANGE, {
        subject_token: subjectToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
        ...this.#audience(audience),
      }),
    );
  }

  #audience(audience: string): Record<string, string> {
    return audienceParameters(this.options.audienceParameter ?? 'resource', audience, this.options.scopes?.[audience]);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  /**
   * A token request over mutual TLS with `identity` (the token is bound to it), or with the files as they are now,
   * sent with openid-client. A private key file is read for each request (a rotated key is used at once).
   */
  async #request(identity: ClientIdentity | undefined, grantType: string, parameters: Record<string, string>): Promise<TokenResponse> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    this.#server ??= untilReachable(signal, () => discoverIssuer(this.options.issuer, this.#agent.current(), signal)).catch((error: unknown) => {
      this.#server = undefined;
      throw error;
    });
    const server = await this.#server;
    const clientAuth = await clientAuthFor(this.options.authentication ?? TLS_CLIENT_AUTH, server);
    const agent = identity === undefined ? this.#agent.current() : this.#agent.forIdentity(identity);
    const context = { server, clientId: this.options.clientId, clientAuth, agent, signal };
    return untilReachable(signal, () => requestToken(context, grantType, parameters, this.#now));
  }
}

/**
 * Runs `request` again while its connection fails before the issuer answers, until `signal` ends: an issuer that is
 * restarting (a key rotation step, a rolling update) refuses connections for a moment, and the call that needs the
 * token should not fail for it.
 */
async function untilReachable<T>(signal: AbortSignal, request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      if (!unreachable(error) || signal.aborted) throw error;
      await sleep(Math.min(CONNECT_RETRY_MS * attempt, CONNECT_RETRY_MAX_MS), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw error;
    }
  }
}
