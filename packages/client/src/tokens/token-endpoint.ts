import { RampartError } from '@rampart/core';
import * as oidc from 'openid-client';
import { fetch } from 'undici';
import type { Dispatcher } from 'undici';

/** A token endpoint response (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly accessToken: string;
  /** When the token expires, in ms since the epoch (from `expires_in`). */
  readonly expiresAt: number;
}

/** What one token request needs: where, as whom, and over which connection. */
export interface TokenRequestContext {
  /** The issuer's metadata from discovery. */
  readonly server: oidc.ServerMetadata;
  readonly clientId: string;
  readonly clientAuth: oidc.ClientAuth;
  /** The mutual-TLS connection pool the request goes out on (its certificate is what the token gets bound to). */
  readonly agent: Dispatcher;
  readonly signal: AbortSignal;
}

/** When the issuer says nothing of a token's lifetime, it is treated as valid this long. */
const DEFAULT_EXPIRES_IN_SEC = 60;

/**
 * A fetch for openid-client that goes out on `agent` (mutual TLS with the workload's certificate) and ends with
 * `signal` as well as openid-client's own timeout.
 */
function fetchOver(agent: Dispatcher, signal: AbortSignal): oidc.CustomFetch {
  return (url, options) =>
    fetch(url, {
      method: options.method,
      headers: options.headers,
      body: options.body as string | undefined,
      redirect: options.redirect,
      dispatcher: agent,
      signal: AbortSignal.any([options.signal ?? signal, signal]),
    });
}

/**
 * Reads the issuer's metadata through OIDC discovery with openid-client. The document's `issuer` must be the
 * configured one; its token endpoint (the RFC 8705 `mtls_endpoint_aliases.token_endpoint` when published) must be
 * https, which openid-client checks when a request is made.
 */
export async function discoverIssuer(issuer: string, agent: Dispatcher, signal: AbortSignal): Promise<oidc.ServerMetadata> {
  if (!URL.canParse(issuer)) throw new RampartError('ERR_CONFIG_INVALID', `token issuer "${issuer}" is not a URL`);
  const configuration = await oidc
    .discovery(new URL(issuer), 'discovery', undefined, oidc.None(), { [oidc.customFetch]: fetchOver(agent, signal) })
    .catch((error: unknown) => rethrow(error, `discovery of ${issuer}`));
  const metadata = configuration.serverMetadata();
  // openid-client compares normalized URLs (and not at all for some hosts): the issuer must be exactly the configured one.
  if (metadata.issuer !== issuer) {
    throw new RampartError('ERR_UNAVAILABLE', 'could not get a token', {
      reason: `discovery of ${issuer} names the issuer ${JSON.stringify(metadata.issuer)}: it must be exactly the configured auth.client.issuer`,
    });
  }
  return metadata;
}

/**
 * Sends one token request (client credentials or another grant such as token exchange) with openid-client and reads
 * the access token. Errors say what the issuer answered (never a token or a secret); a connection that failed before
 * the issuer answered is rethrown as fetch's `TypeError`, so the caller can try again.
 */
export async function requestToken(
  context: TokenRequestContext,
  grantType: string,
  parameters: Record<string, string>,
  now: () => number,
): Promise<TokenResponse> {
  const configuration = new oidc.Configuration(context.server, context.clientId, { use_mtls_endpoint_aliases: true }, context.clientAuth);
  configuration[oidc.customFetch] = fetchOver(context.agent, context.signal);
  const target = parameters['resource'] ?? parameters['audience'] ?? parameters['scope'] ?? '';
  const response = await (grantType === 'client_credentials'
    ? oidc.clientCredentialsGrant(configuration, parameters)
    : oidc.genericGrantRequest(configuration, grantType, parameters)
  ).catch((error: unknown) => rethrow(error, `token endpoint refused ${grantType} for ${target}`));
  const expiresIn = typeof response.expires_in === 'number' ? response.expires_in : DEFAULT_EXPIRES_IN_SEC;
  return { accessToken: response.access_token, expiresAt: now() + expiresIn * 1000 };
}

/**
 * A failed discovery or token request as Rampart reports it: `could not get a token` with the issuer's `error` and
 * `error_description`, or openid-client's reason. A connection failure (fetch's `TypeError`) passes through as is.
 */
function rethrow(error: unknown, what: string): never {
  if (error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined) throw error;
  if (error instanceof RampartError) throw error;
  throw new RampartError('ERR_UNAVAILABLE', 'could not get a token', { reason: `${what}: ${describe(error)}`, cause: error });
}

function describe(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError) {
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ''} (HTTP ${error.status})`;
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    // A 401 from client_secret_basic: the refusal is in the challenge (RFC 6749 §5.2).
    const parameters = error.cause[0]?.parameters;
    const description = parameters?.error_description ? `: ${parameters.error_description}` : '';
    return `${parameters?.error ?? 'unauthorized'}${description} (HTTP ${error.status})`;
  }
  if (error instanceof oidc.ClientError) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return error instanceof Error ? error.message : String(error);
}
