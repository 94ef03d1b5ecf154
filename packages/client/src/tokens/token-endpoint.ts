import { RampartError } from '@rampart/core';
import { fetch } from 'undici';
import type { Dispatcher } from 'undici';

/** A token endpoint response (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly accessToken: string;
  /** When the token expires, in ms since the epoch (from `expires_in`). */
  readonly expiresAt: number;
}

/**
 * Finds the token endpoint through OIDC discovery: the RFC 8705 `mtls_endpoint_aliases.token_endpoint` when the
 * issuer publishes one, else `token_endpoint`. The document's `issuer` must be exactly the configured one.
 */
export async function discoverTokenEndpoint(issuer: string, agent: Dispatcher, signal: AbortSignal): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { dispatcher: agent, signal, redirect: 'error' });
  if (res.status !== 200) throw new Error(`discovery ${url} answered ${res.status}`);
  const doc = (await res.json()) as {
    issuer?: unknown;
    token_endpoint?: unknown;
    mtls_endpoint_aliases?: { token_endpoint?: unknown };
  };
  if (doc.issuer !== issuer) throw new Error(`discovery issuer ${JSON.stringify(doc.issuer)} is not ${issuer}`);
  const endpoint = doc.mtls_endpoint_aliases?.token_endpoint ?? doc.token_endpoint;
  if (typeof endpoint !== 'string' || !endpoint.startsWith('https://')) {
    throw new Error(`discovery of ${issuer} has no https token endpoint`);
  }
  return endpoint;
}

/** POSTs a token request and reads the access token. Errors say what the issuer answered (never the token). */
export async function requestToken(
  endpoint: string,
  body: Record<string, string>,
  agent: Dispatcher,
  signal: AbortSignal,
  now: () => number,
): Promise<TokenResponse> {
  const res = await fetch(endpoint, {
    method: 'POST',
    dispatcher: agent,
    signal,
    redirect: 'error',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(body).toString(),
  });
  const json = (await res.json().catch(() => ({}))) as {
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (res.status !== 200 || typeof json.access_token !== 'string') {
    const error = typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
    const description = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
    throw new RampartError('ERR_UNAVAILABLE', 'could not get a token', {
      reason: `token endpoint refused ${body.grant_type ?? ''} for ${body.resource ?? body.audience ?? body.scope ?? ''}: ${error}${description}`,
    });
  }
  const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : 60;
  return { accessToken: json.access_token, expiresAt: now() + expiresIn * 1000 };
}
