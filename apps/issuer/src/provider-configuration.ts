import type { JWK } from 'jose';
import type {
  ClientCredentialsToken,
  Configuration,
  KoaContextWithOIDC,
  ResourceServerInfo,
  StructuredJwt,
} from 'oidc-provider';
import { errors } from 'oidc-provider';
import { authenticationMetadata } from './client-authentication.js';
import type { ClientPolicy } from './clients.js';
import { SIGNING_ALG } from './key-file.js';
import { memoryAdapter } from './memory-adapter.js';
import { peerCertificate, peerCertificateAuthorized, peerSpiffeIdMatches } from './mtls.js';
import { TOKEN_EXCHANGE_GRANT } from './grant-types.js';
import type { Delegation } from './token-exchange.js';
import { grantFor, resourceServerInfo } from './token-policy.js';
import { workloadCertificateProblem } from './workload-certificate.js';

/** What the provider configuration is built from. */
export interface ProviderSettings {
  readonly policies: ReadonlyMap<string, ClientPolicy>;
  readonly privateJwks: { readonly keys: readonly JWK[] };
  readonly accessTokenTtlSec: number;
  readonly delegations: WeakMap<ClientCredentialsToken, Delegation>;
}

/** Lifetime of the artifacts of flows this issuer does not offer; set only to silence the provider's warnings. */
const UNUSED_TTL_SEC = 60;

/**
 * How far ahead a `private_key_jwt` client assertion's `exp` may be. An assertion is made for one request
 * (openid-client gives it 60 s); a copy of a longer-lived one could be replayed once its `jti` left the replay store.
 */
const MAX_CLIENT_ASSERTION_LIFETIME_SEC = 300;

/**
 * oidc-provider's configuration for a service-only issuer: client credentials and token exchange with the client
 * authentication each client is registered for (`tls_client_auth` with the SPIFFE ID as `tls_client_auth_san_uri` by
 * default; `self_signed_tls_client_auth`, `private_key_jwt`, client secrets), certificate-bound (`cnf.x5t#S256`) JWT
 * access tokens signed ES256 for one required resource, and nothing a browser would use (no interactions, PAR, DPoP,
 * logout, userinfo, refresh tokens).
 *
 * @example
 * ```ts
 * const provider = new Provider(url, providerConfiguration(settings));
 * ```
 */
export function providerConfiguration(settings: ProviderSettings): Configuration {
  const { policies, accessTokenTtlSec, delegations } = settings;
  const clientTtl = (_ctx: unknown, token: ClientCredentialsToken): number =>
    (token.resourceServer as { accessTokenTTL?: number } | undefined)?.accessTokenTTL ?? accessTokenTtlSec;

  const methods = new Set([...policies.values()].map((policy) => policy.authentication.method));
  return {
    adapter: memoryAdapter(),
    jwks: { keys: settings.privateJwks.keys.map((key) => ({ ...key })) },
    clients: [...policies.values()].map(clientMetadata),
    // Discovery advertises the methods registered clients use (tls_client_auth when there are none).
    clientAuthMethods: methods.size === 0 ? ['tls_client_auth'] : [...methods].sort(),
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'tls_client_auth',
      id_token_signed_response_alg: SIGNING_ALG,
    },
    responseTypes: ['none'],
    scopes: ['openid'],
    enabledJWA: { idTokenSigningAlgValues: [SIGNING_ALG] },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
      registration: { enabled: false },
      clientCredentials: { enabled: true },
      mTLS: {
        enabled: true,
        tlsClientAuth: true,
        selfSignedTlsClientAuth: methods.has('self_signed_tls_client_auth'),
        certificateBoundAccessTokens: true,
        getCertificate: peerCertificate,
        certificateAuthorized: peerCertificateAuthorized,
        certificateSubjectMatches: peerSpiffeIdMatches,
      },
      resourceIndicators: {
        enabled: true,
        // Called when the request has no `resource`: refuse, so that no opaque (stored) token is ever issued.
        defaultResource(_ctx: unknown, _client: unknown, oneOf?: string | string[]) {
          if (oneOf !== undefined) return Promise.resolve(oneOf);
          return Promise.reject(
            new errors.InvalidTarget(undefined, { detail: 'a resource parameter (the target audience) is required' }),
          );
        },
        useGrantedResource: () => Promise.resolve(false),
        getResourceServerInfo(ctx: KoaContextWithOIDC, resource: string): Promise<ResourceServerInfo> {
          const policy = policies.get(ctx.oidc.client?.clientId ?? '');
          // Every client credentials request passes here (a resource is required): the certificate the token will be
          // bound to must be the client's workload's (see workloadCertificateProblem).
          const certificateProblem = policy === undefined ? undefined : workloadCertificateProblem(ctx, policy);
          if (certificateProblem !== undefined) return Promise.reject(new errors.InvalidGrant(certificateProblem));
          const { params } = ctx.oidc;
          if (params === undefined) return Promise.reject(new errors.InvalidRequest('the request has no parameters'));
          const grant = grantFor(policy, resource, params['scope']);
          // No scope asked: the token gets every scope the client may have for this resource.
          if (typeof params['scope'] !== 'string' || params['scope'] === '') {
            params['scope'] = grant.scopes.join(' ') || undefined;
          }
          return Promise.resolve(resourceServerInfo(grant, accessTokenTtlSec));
        },
      },
    },
    // Replaces the provider's default, which checks only FAPI 2.0's audience rule (this issuer offers no FAPI profile).
    assertJwtClientAuthClaimsAndHeader(_ctx: unknown, claims: { readonly exp?: unknown }) {
      const ahead = typeof claims.exp === 'number' ? claims.exp - Math.floor(Date.now() / 1000) : 0;
      if (ahead > MAX_CLIENT_ASSERTION_LIFETIME_SEC) {
        return Promise.reject(
          new errors.InvalidClientAuth(`the client_assertion expires too late: exp may be at most ${MAX_CLIENT_ASSERTION_LIFETIME_SEC} s ahead`),
        );
      }
      return Promise.resolve();
    },
    extraTokenClaims(_ctx: unknown, token: ClientCredentialsToken) {
      const delegation = delegations.get(token);
      return Promise.resolve(delegation === undefined ? undefined : { act: delegation.act });
    },
    formats: {
      customizers: {
        jwt(_ctx: unknown, token: ClientCredentialsToken, jwt: StructuredJwt) {
          const delegation = delegations.get(token);
          if (delegation !== undefined) {
            jwt.payload['sub'] = delegation.sub;
            const exp = jwt.payload['exp'];
            if (typeof exp !== 'number' || exp > delegation.notAfter) jwt.payload['exp'] = delegation.notAfter;
          }
          return Promise.resolve(jwt);
        },
      },
    },
    ttl: {
      ClientCredentials: clientTtl,
      AccessToken: accessTokenTtlSec,
      AuthorizationCode: UNUSED_TTL_SEC,
      BackchannelAuthenticationRequest: UNUSED_TTL_SEC,
      DeviceCode: UNUSED_TTL_SEC,
      Grant: UNUSED_TTL_SEC,
      IdToken: UNUSED_TTL_SEC,
      Interaction: UNUSED_TTL_SEC,
      PreAuthorizedCode: UNUSED_TTL_SEC,
      RefreshToken: UNUSED_TTL_SEC,
      Session: UNUSED_TTL_SEC,
    },
  };
}

function clientMetadata(policy: ClientPolicy): Record<string, unknown> {
  return {
    client_id: policy.clientId,
    ...authenticationMetadata(policy.authentication, policy.spiffeId),
    tls_client_certificate_bound_access_tokens: true,
    grant_types: policy.exchange.size > 0 ? ['client_credentials', TOKEN_EXCHANGE_GRANT] : ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  };
}
