import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { uriSans } from './mtls.js';

/** How a registered client authenticates at the token endpoint. */
export type IssuerClientAuthMethod =
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth'
  | 'private_key_jwt'
  | 'client_secret_basic'
  | 'client_secret_post';

const METHODS: readonly IssuerClientAuthMethod[] = [
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
];

/** A public JWK as oidc-provider reads client `jwks`. */
type PublicJwk = Record<string, unknown>;

/**
 * A client's authentication, validated, with its credential read from the file the config names:
 * - `tls_client_auth`: a certificate chaining to the trust bundle with `spiffe_id` as its one URI SAN;
 * - `self_signed_tls_client_auth`: one of the certificates in `certificate_file` (RFC 8705 §2.2);
 * - `private_key_jwt`: a client assertion signed by a key of `jwks_file` (RFC 7523);
 * - `client_secret_basic` / `client_secret_post`: the secret in `client_secret_file`.
 */
export type ClientAuthentication =
  | { readonly method: 'tls_client_auth' }
  | { readonly method: 'self_signed_tls_client_auth' | 'private_key_jwt'; readonly jwks: readonly PublicJwk[] }
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly secret: string };

/** The config keys of a client entry this module reads. */
export const AUTH_KEYS = ['token_endpoint_auth_method', 'certificate_file', 'jwks_file', 'client_secret_file'] as const;

/** Which file key each method needs; the others must be absent. */
const FILE_KEY: Record<IssuerClientAuthMethod, (typeof AUTH_KEYS)[number] | undefined> = {
  tls_client_auth: undefined,
  self_signed_tls_client_auth: 'certificate_file',
  private_key_jwt: 'jwks_file',
  client_secret_basic: 'client_secret_file',
  client_secret_post: 'client_secret_file',
};

/** A client secret shorter than this is refused: 32 bytes of entropy, base64url-encoded, is 43 characters. */
const MIN_SECRET_LENGTH = 32;

/**
 * Reads a client entry's authentication: the method (default `tls_client_auth`) and the credential file it needs.
 * Problems (unknown method, missing or extra file key, unreadable or unusable file, `client_secret` given inline)
 * are added to `problems`, each naming the entry and the fix.
 */
export function parseClientAuthentication(entry: Readonly<Record<string, unknown>>, at: string, problems: string[]): ClientAuthentication | undefined {
  const method = entry['token_endpoint_auth_method'] ?? 'tls_client_auth';
  if ('client_secret' in entry) {
    problems.push(`${at}.client_secret: a secret is never written in config. Fix: write it to a file only the issuer can read and name it in client_secret_file`);
  }
  if (typeof method !== 'string' || !METHODS.includes(method as IssuerClientAuthMethod)) {
    problems.push(`${at}.token_endpoint_auth_method must be one of ${METHODS.join(', ')}`);
    return undefined;
  }
  const known = method as IssuerClientAuthMethod;
  const needed = FILE_KEY[known];
  const before = problems.length;
  for (const key of AUTH_KEYS.slice(1)) {
    if (key !== needed && entry[key] !== undefined) problems.push(`${at}.${key} is not used by ${known}. Fix: remove it, or set token_endpoint_auth_method to the method that uses it`);
  }
  if (needed === undefined) return problems.length > before ? undefined : { method: 'tls_client_auth' };
  const file = entry[needed];
  if (typeof file !== 'string' || file === '') {
    problems.push(`${at}.${needed} is required for ${known}: the path of ${describeFile(needed)}`);
    return undefined;
  }
  const content = readCredential(file, `${at}.${needed}`, problems);
  if (content === undefined || problems.length > before) return undefined;
  switch (known) {
    case 'self_signed_tls_client_auth': {
      const jwks = certificateJwks(content, entry['spiffe_id'], `${at}.${needed}`, problems);
      return jwks === undefined ? undefined : { method: known, jwks };
    }
    case 'private_key_jwt': {
      const jwks = publicJwks(content, `${at}.${needed}`, problems);
      return jwks === undefined ? undefined : { method: known, jwks };
    }
    default: {
      const secret = content.replace(/\r?\n$/, '');
      if (secret.length < MIN_SECRET_LENGTH) {
        problems.push(`${at}.${needed}: the secret in ${file} is shorter than ${MIN_SECRET_LENGTH} characters. Fix: use a random secret, e.g. openssl rand -base64 32`);
        return undefined;
      }
      return { method: known as 'client_secret_basic' | 'client_secret_post', secret };
    }
  }
}

/**
 * The oidc-provider client metadata of a client's authentication. Every client's tokens are bound to the
 * certificate of its token request (`tls_client_certificate_bound_access_tokens`), whatever the method.
 */
export function authenticationMetadata(auth: ClientAuthentication, spiffeId: string): Record<string, unknown> {
  switch (auth.method) {
    case 'tls_client_auth':
      return { token_endpoint_auth_method: auth.method, tls_client_auth_san_uri: spiffeId };
    case 'self_signed_tls_client_auth':
    case 'private_key_jwt':
      return { token_endpoint_auth_method: auth.method, jwks: { keys: auth.jwks.map((key) => ({ ...key })) } };
    case 'client_secret_basic':
    case 'client_secret_post':
      return { token_endpoint_auth_method: auth.method, client_secret: auth.secret };
  }
}

function describeFile(key: (typeof AUTH_KEYS)[number]): string {
  if (key === 'certificate_file') return 'a PEM file of the certificate(s) the client presents';
  if (key === 'jwks_file') return "a JWKS file ({\"keys\": [...]}) of the client's public keys";
  return 'a file holding the client secret';
}

function readCredential(file: string, at: string, problems: string[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${at}: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/**
 * Each certificate of a PEM file as a public JWK with its `x5c`, which is what oidc-provider compares. Each must name
 * the client's SPIFFE ID as its one URI SAN: the certificate is what proves the workload (the token is bound to it,
 * and an exchanged token names `spiffe_id` as its actor).
 */
function certificateJwks(pem: string, spiffeId: unknown, at: string, problems: string[]): PublicJwk[] | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    problems.push(`${at}: no PEM certificate in the file`);
    return undefined;
  }
  try {
    const certificates = blocks.map((block) => new X509Certificate(block));
    const unnamed = certificates.filter((certificate) => {
      const uris = uriSans(certificate.subjectAltName);
      return uris.length !== 1 || uris[0] !== spiffeId;
    });
    if (unnamed.length > 0) {
      problems.push(`${at}: ${unnamed.length} certificate(s) do not carry the client's spiffe_id as their one URI SAN. Fix: register the certificate(s) of that workload only`);
      return undefined;
    }
    return certificates.map((certificate) => {
      return { ...certificate.publicKey.export({ format: 'jwk' }), x5c: [certificate.raw.toString('base64')] };
    });
  } catch (error) {
    problems.push(`${at}: a certificate cannot be parsed (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/** The public keys of a JWKS file; a private key member (`d`, `p`, `q`, …) is refused: the issuer needs none. */
function publicJwks(text: string, at: string, problems: string[]): PublicJwk[] | undefined {
  let keys: unknown;
  try {
    keys = (JSON.parse(text) as { keys?: unknown }).keys;
  } catch {
    problems.push(`${at}: the file is not JSON`);
    return undefined;
  }
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k !== null && typeof (k as PublicJwk)['kty'] === 'string')) {
    problems.push(`${at}: the file must be a JWKS, {"keys": [{"kty": ...}, ...]}, with at least one key`);
    return undefined;
  }
  if (keys.some((k: PublicJwk) => ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => member in k))) {
    problems.push(`${at}: the JWKS holds private key material. Fix: register the public keys only`);
    return undefined;
  }
  return keys as PublicJwk[];
}
