import { invalidToken, quote } from './token-errors.js';
import type { TokenFetch } from './token-types.js';

/**
 * One bounded GET of an issuer's metadata or keys.
 *
 * @example
 * ```ts
 * const request: JsonRequest = {
 *   what: 'JWKS fetch for "https://issuer.example"', fetch, signal: AbortSignal.timeout(5000),
 *   maxBytes: 524_288, limitSetting: 'auth.tokens.jwksMaxBytes', accept: 'application/json',
 * };
 * ```
 */
export interface JsonRequest {
  /** What is fetched, for reasons: `OIDC discovery of "<issuer>"`. */
  readonly what: string;
  readonly fetch: TokenFetch;
  /** Ends the request (its time budget). */
  readonly signal: AbortSignal;
  /** Largest body read; a longer one is refused. */
  readonly maxBytes: number;
  /** The setting `maxBytes` comes from, named when a body is too large. */
  readonly limitSetting: string;
  readonly accept: string;
}

/**
 * GETs `url` and parses its JSON body, reading at most `maxBytes`: a `content-length` above it is refused before
 * the body is read, and a body that grows past it (chunked, or a lying length) is cut off there, so an issuer (or
 * whatever a URL points at) cannot make the verifier buffer an unbounded answer. Redirects are not followed and
 * only HTTP 200 is accepted. Every failure is `ERR_TOKEN_INVALID` with a reason naming the URL (and the limit).
 *
 * @example
 * ```ts
 * const document = await fetchJson(new URL('https://issuer.example/.well-known/openid-configuration'), request);
 * ```
 */
export async function fetchJson(url: URL, request: JsonRequest): Promise<unknown> {
  const { what, signal, maxBytes } = request;
  const where = quote(url.href);
  let response: Response;
  try {
    const headers = new Headers({ accept: request.accept });
    response = await request.fetch(url.href, { method: 'GET', redirect: 'manual', headers, signal });
  } catch (error) {
    throw failure(what, where, error);
  }
  const tooLarge = () =>
    invalidToken(`${what} refused: the response of ${where} is larger than ${maxBytes} bytes (${request.limitSetting}); stopped reading`);
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw invalidToken(`${what} failed: ${where} answered HTTP ${response.status}`);
  }
  // A TokenFetch of the application's own may follow redirects whatever `redirect` says: an answer from anywhere but
  // the URL asked (whose host was checked) is refused, so keys never come from a host nobody allowed.
  if (response.redirected || (response.url !== '' && response.url !== url.href)) {
    await response.body?.cancel().catch(() => undefined);
    throw invalidToken(`${what} refused: ${where} redirected to ${quote(response.url)}, and redirects are not followed`);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
    for (let next = await reader?.read(); next !== undefined && !next.done; next = await reader?.read()) {
      total += next.value.byteLength;
      if (total > maxBytes) {
        await reader?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(next.value);
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'RampartError') throw error;
    throw failure(what, where, error);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw invalidToken(`${what} failed: the response of ${where} is not JSON`, error);
  }
}

function failure(what: string, where: string, error: unknown) {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return invalidToken(`${what} timed out: ${where} did not answer within the time allowed (auth.tokens.jwksTimeoutMs)`, error);
  }
  return invalidToken(`${what} failed: ${where}: ${error instanceof Error ? error.message : String(error)}`, error);
}
