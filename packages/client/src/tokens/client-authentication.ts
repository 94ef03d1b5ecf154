import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RampartError } from '@rampart/core';
import { importPKCS8, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';

/** The ways a workload can authenticate to its issuer's token endpoint (RFC 6749 §2.3, RFC 8705, RFC 7523). */
export type ClientAuthMethod =
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth'
  | 'private_key_jwt'
  | 'client_secret_basic'
  | 'client_secret_post';

/** Signature algorithms a `private_key_jwt` client assertion can use. */
export type ClientAssertionAlg = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'EdDSA';

/**
 * How the token client authenticates. Every method sends its requests over mutual TLS with the workload's
 * certificate, so an issuer that binds tokens (RFC 8705) binds them to the certificate calls go out on.
 *
 * - `tls_client_auth` (default): the certificate is the credential; the issuer checks its chain and SPIFFE ID.
 * - `self_signed_tls_client_auth`: the certificate is the credential; the issuer compares it with the one registered.
 * - `private_key_jwt`: a client assertion signed with `privateKeyFile` (PKCS#8 PEM), with `kid` when given; with
 *   `certificateFile`, the headers `x5t#S256` and `x5t` name the key's certificate (Entra ID finds the key by them);
 *   its `aud` is the issuer (RFC 7523bis, the default) or the token endpoint (`assertionAudience`, Entra ID).
 * - `client_secret_basic` / `client_secret_post`: the client secret (from config, only ever read from a file:
 *   `RAMPART_AUTH_CLIENT_SECRET_FILE`).
 *
 * The private key file is read for each token request, so a rotated key is used without a restart.
 */
export type ClientAuthentication =
  | { readonly method: 'tls_client_auth' | 'self_signed_tls_client_auth' }
  | {
      readonly method: 'private_key_jwt';
      readonly privateKeyFile: string;
      readonly alg: ClientAssertionAlg;
      readonly kid?: string;
      readonly certificateFile?: string;
      readonly assertionAudience?: 'issuer' | 'token_endpoint';
    }
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly secret: string };

/** Every method, for config formats and messages. */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
];

/** Every assertion algorithm, for config formats and messages. */
export const CLIENT_ASSERTION_ALGS: readonly ClientAssertionAlg[] = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

/** Imports a PKCS#8 PEM private key for `alg`; the error names the file and the algorithm, never the key. */
export async function readAssertionKey(file: string, alg: ClientAssertionAlg): Promise<CryptoKey> {
  const pem = readFileSync(file, 'utf8');
  try {
    return await importPKCS8(pem, alg, { extractable: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RampartError('ERR_CONFIG_INVALID', `private key file ${file} is not a PKCS#8 PEM key for ${alg} (${reason})`, { cause: error });
  }
}

/** The `x5t#S256` and `x5t` headers of the certificate in `file` (its first PEM block). */
function certificateHeaders(file: string): Record<string, string> {
  const raw = new X509Certificate(readFileSync(file)).raw;
  return {
    'x5t#S256': createHash('sha256').update(raw).digest('base64url'),
    x5t: createHash('sha1').update(raw).digest('base64url'),
  };
}

/**
 * openid-client's client authentication for `auth`, with the private key read from its file now.
 *
 * @throws RampartError `ERR_UNAVAILABLE` when the file cannot be read or used (its name and the reason).
 */
export async function clientAuthFor(auth: ClientAuthentication, server: oidc.ServerMetadata): Promise<oidc.ClientAuth> {
  try {
    switch (auth.method) {
      case 'tls_client_auth':
      case 'self_signed_tls_client_auth':
        return oidc.TlsClientAuth();
      case 'private_key_jwt': {
        const key = await readAssertionKey(auth.privateKeyFile, auth.alg);
        const headers = auth.certificateFile === undefined ? {} : certificateHeaders(auth.certificateFile);
        // The endpoint the request goes to: the RFC 8705 alias when the issuer publishes one (the client asks for it).
        const tokenEndpoint = server.mtls_endpoint_aliases?.token_endpoint ?? server.token_endpoint;
        return oidc.PrivateKeyJwt(auth.kid === undefined ? key : { key, kid: auth.kid }, {
          [oidc.modifyAssertion]: (header, payload) => {
            Object.assign(header, headers);
            if (auth.assertionAudience === 'token_endpoint' && tokenEndpoint !== undefined) payload.aud = tokenEndpoint;
          },
        });
      }
      case 'client_secret_basic':
        return oidc.ClientSecretBasic(auth.secret);
      case 'client_secret_post':
        return oidc.ClientSecretPost(auth.secret);
    }
  } catch (error) {
    throw new RampartError('ERR_UNAVAILABLE', 'could not get a token', {
      reason: `client authentication (${auth.method}): ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}
