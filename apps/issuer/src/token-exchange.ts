import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { errors, type ClientCredentialsToken, type KoaContextWithOIDC, type Provider } from 'oidc-provider';
import type { ClientPolicy } from './clients.js';
import { checkMayAct, delegatedGrant } from './delegation.js';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from './grant-types.js';
import { SIGNING_ALG } from './key-file.js';
import { peerCertificate } from './mtls.js';
import { workloadCertificateProblem } from './workload-certificate.js';
import { resourceServerInfo } from './token-policy.js';


/**
 * Every parameter of the grant: oidc-provider strips those not listed. `actor_token*`, `audience` and
 * `requested_token_type` are listed so that they can be refused explicitly instead of being dropped.
 */
const PARAMETERS = [
  'resource',
  'scope',
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'audience',
  'actor_token',
  'actor_token_type',
] as const;

/** Deepest `act` chain accepted in a subject token. */
const MAX_ACT_DEPTH = 8;

/** The delegation recorded on an exchanged token, read back by `extraTokenClaims` and the JWT customizer. */
export interface Delegation {
  readonly sub: string;
  readonly act: Readonly<Record<string, unknown>>;
  /** The subject token's `exp`: the exchanged token's `exp` is clamped to it. */
  readonly notAfter: number;
}

/** What the grant needs from the issuer. */
export interface TokenExchangeOptions {
  readonly policies: ReadonlyMap<string, ClientPolicy>;
  readonly publicJwks: { readonly keys: readonly JWK[] };
  readonly accessTokenTtlSec: number;
  readonly clockToleranceSec: number;
  /** Where the grant records each exchanged token's `sub` and `act`. */
  readonly delegations: WeakMap<ClientCredentialsToken, Delegation>;
}

/**
 * Registers the token exchange grant (RFC 8693) for on-behalf-of calls. The exchanging client authenticates with its
 * certificate like for client credentials and sends the access token it was called with (`subject_token`) and the
 * downstream resource. The subject token must verify against this issuer's own keys, name the exchanging client's
 * audience and, when it has `may_act`, name the exchanging client there; the client must be allowed to exchange for
 * that resource (`exchange`). The new token keeps the caller's `sub`, has `aud` = the resource, scopes at most those
 * the subject token's scopes delegate there (`delegatedGrant`), `act: { sub: <exchanging SPIFFE ID>, act: <previous
 * act> }`, and is bound to the exchanging client's certificate. Its lifetime never exceeds the subject token's.
 * The subject token's own `cnf` is not compared with the exchanging client's certificate (it names the caller's,
 * checked by the workload that received the call): see docs/adr/0010.
 *
 * @example
 * ```ts
 * registerTokenExchange(provider, { policies, publicJwks, accessTokenTtlSec: 300, clockToleranceSec: 5, delegations });
 * ```
 */
export function registerTokenExchange(provider: Provider, options: TokenExchangeOptions): void {
  const keys = createLocalJWKSet({ keys: [...options.publicJwks.keys] });

  async function verifySubjectToken(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: provider.issuer,
        algorithms: [SIGNING_ALG],
        typ: 'at+jwt',
        clockTolerance: options.clockToleranceSec,
        requiredClaims: ['sub', 'aud', 'exp', 'iat'],
      });
      return payload;
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'verification failed';
      throw new errors.InvalidGrant(`subject_token is not a valid access token of this issuer: ${reason}`);
    }
  }

  async function handler(ctx: KoaContextWithOIDC): Promise<void> {
    const { client, params } = ctx.oidc;
    const policy = client === undefined ? undefined : options.policies.get(client.clientId);
    if (client === undefined || policy === undefined) throw new errors.InvalidGrant('unknown client');
    // The certificate client authentication verified for this request (recorded when it arrived), read before any
    // await: the new token is bound to it.
    const certificate = peerCertificate(ctx);
    if (certificate === undefined) throw new errors.InvalidGrant('mutual TLS client certificate not provided');
    const certificateProblem = workloadCertificateProblem(ctx, policy);
    if (certificateProblem !== undefined) throw new errors.InvalidGrant(certificateProblem);
    if (params === undefined) throw new errors.InvalidRequest('the request has no parameters');
    checkParameters(params);

    const resource = params['resource'];
    if (typeof resource !== 'string' || resource === '') {
      throw new errors.InvalidTarget(undefined, { detail: 'token exchange requires one resource parameter' });
    }
    if (!policy.exchange.has(resource)) {
      throw new errors.InvalidTarget(undefined, {
        detail: `client "${policy.clientId}" may not exchange tokens for resource "${resource}"`,
      });
    }
    const subject = await verifySubjectToken(params['subject_token'] as string);
    const audiences = Array.isArray(subject.aud) ? subject.aud : [subject.aud];
    if (!audiences.includes(policy.audience)) {
      throw new errors.InvalidGrant(
        `subject_token audience ${JSON.stringify(subject.aud)} does not name the exchanging client's audience "${policy.audience}"`,
      );
    }
    checkMayAct(subject, policy.spiffeId, provider.issuer);
    const previousAct = actOf(subject);
    const grant = delegatedGrant(policy, resource, subject, params['scope']);

    const token = new provider.ClientCredentials({
      client,
      resourceServer: new provider.ResourceServer(resource, resourceServerInfo(grant, options.accessTokenTtlSec)),
      scope: grant.scopes.join(' ') || undefined,
      expiresIn: Math.min(options.accessTokenTtlSec, remainingLifetimeSec(subject.exp as number)),
    });
    token.setThumbprint('x5t', certificate);
    options.delegations.set(token, {
      sub: subject.sub as string,
      notAfter: subject.exp as number,
      act: { sub: policy.spiffeId, ...(previousAct === undefined ? {} : { act: previousAct }) },
    });
    ctx.oidc.entity('ClientCredentials', token);
    const accessToken = await token.save();
    ctx.body = {
      access_token: accessToken,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: token.tokenType,
      expires_in: token.expiration,
      ...(token.scope ? { scope: token.scope } : {}),
    };
  }

  provider.registerGrantType(TOKEN_EXCHANGE_GRANT, handler, PARAMETERS);
}

function checkParameters(params: Readonly<Record<string, unknown>>): void {
  if (params['actor_token'] !== undefined || params['actor_token_type'] !== undefined) {
    throw new errors.InvalidRequest('actor_token is not supported: the authenticated client is the actor');
  }
  if (params['audience'] !== undefined) {
    throw new errors.InvalidTarget('use resource, not audience');
  }
  if (typeof params['subject_token'] !== 'string' || params['subject_token'] === '') {
    throw new errors.InvalidRequest("missing required parameter 'subject_token'");
  }
  if (params['subject_token_type'] !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  const requested = params['requested_token_type'];
  if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
}

/** The subject token's `act` claim, checked to be a chain of `{ sub, act? }` objects of bounded depth. */
function actOf(subject: JWTPayload): Record<string, unknown> | undefined {
  const act = subject['act'];
  if (act === undefined) return undefined;
  let node: unknown = act;
  for (let depth = 0; node !== undefined; depth += 1) {
    if (depth >= MAX_ACT_DEPTH || typeof node !== 'object' || node === null || Array.isArray(node)) {
      throw new errors.InvalidGrant('subject_token has a malformed or too deep act claim');
    }
    const { sub, act: inner } = node as { sub?: unknown; act?: unknown };
    if (typeof sub !== 'string') throw new errors.InvalidGrant('subject_token has an act claim without sub');
    node = inner;
  }
  return act as Record<string, unknown>;
}

/**
 * The whole seconds an exchanged token may live: what is left of the subject token's. The subject token was verified
 * with the clock tolerance, which is for judging another clock, not for extending a lifetime: a subject token at or
 * past its `exp` is refused here. (The provider sets the new `exp` from its own clock a moment later; the JWT
 * customizer clamps it to the subject's `exp`, so no token in the caller's name ever outlives the caller's own.)
 *
 * @throws InvalidGrant when the subject token has expired.
 *
 * @example
 * ```ts
 * remainingLifetimeSec(Math.floor(Date.now() / 1000) + 30); // 30
 * ```
 */
export function remainingLifetimeSec(subjectExp: number, nowMs: number = Date.now()): number {
  if (subjectExp * 1000 <= nowMs) {
    throw new errors.InvalidGrant(`subject_token expired (exp ${subjectExp}, now ${Math.floor(nowMs / 1000)}): an exchanged token never outlives it`);
  }
  return Math.max(1, subjectExp - Math.floor(nowMs / 1000));
}
