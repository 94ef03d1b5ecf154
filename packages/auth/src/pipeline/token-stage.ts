import { RampartError, type CallContext, type CallIdentityWriter, type PeerIdentity } from '@rampart/core';
import { inject, injectable, optional } from 'inversify';
import type { VerifiedToken } from '../tokens/token-types.js';
import { fastPathOf, type TokenVerifier } from '../tokens/token-verifier.js';
import type { CachedVerification } from '../tokens/verified-token-cache.js';
import { bearerTokenOf } from './bearer.js';
import { STAGE_ORDER, type AuthCallState, type AuthRequirements, type AuthStage, type StageCheck } from './stage.js';
import { AUTH_TOKENS } from './tokens.js';

/** The last verified bearer value of one connection (see ADR 0008). */
interface LastBearer {
  readonly authorization: string;
  /** The token in it, without the scheme. */
  readonly token: string;
  readonly entry: CachedVerification;
}

/**
 * The token: the call's bearer token verified against the trusted issuers (signature, issuer, audience, expiry,
 * type; cached), then the call authenticated as its principal (`ctx.principal`).
 *
 * Per connection with a verified client certificate, the stage remembers the last `authorization` value it saw
 * verified: a call that brings the very same value on that connection skips parsing, hashing and the cache
 * lookup (the issuer, audience and expiry are still checked for every call, as on a cache hit). It is forgotten
 * with the connection, and replaced when the connection brings another token (ADR 0008).
 */
@injectable()
export class TokenStage implements AuthStage {
  readonly name = 'token';
  readonly order = STAGE_ORDER.token;
  readonly enforces = ['token'] as const;

  constructor(@inject(AUTH_TOKENS.TokenVerifier) @optional() private readonly verifier: TokenVerifier | undefined) {}

  plan({ token, method }: AuthRequirements, identity: CallIdentityWriter): StageCheck | undefined {
    if (token === undefined) return undefined;
    if (this.verifier === undefined) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `${method.path} requires a bearer token (@Authenticated) but no token issuer is configured. Fix: set auth.tokens.issuers (or RAMPART_AUTH_ISSUER), or auth.tokens.trustDomains for JWT-SVIDs`,
      );
    }
    const options = {
      ...(token.audience !== undefined ? { audience: token.audience } : {}),
      ...(token.issuer !== undefined ? { issuer: token.issuer } : {}),
    };
    const verifier = fastPathOf(this.verifier);
    const withoutAudience = verifier.issuersWithoutAudience(options);
    if (withoutAudience.length > 0) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `${method.path} requires a bearer token, but tokens from ${withoutAudience.join(', ')} would have no expected audience, so every call would be refused. Fix: set auth.tokens.audience (RAMPART_AUTH_AUDIENCE) to this service's audience, or give the issuer or @Authenticated an audience`,
      );
    }
    // Keyed by the connection's peer identity, one object per connection (ADR 0006); nothing without a certificate.
    const lastByConnection = verifier.caches ? new WeakMap<PeerIdentity, LastBearer>() : undefined;
    const accept = (ctx: CallContext, state: AuthCallState, verified: VerifiedToken, bearer: string): undefined => {
      state.token = verified;
      state.bearer = bearer;
      identity.authenticate(ctx, verified.principal);
      return undefined;
    };
    // A cached token is decided synchronously (no promise on the warm path); a new one is verified asynchronously,
    // its wait for keys bounded by the call's own deadline and cancellation (and by auth.tokens.jwksTimeoutMs).
    return (ctx, state) => {
      const values = ctx.metadata.get('authorization');
      const peer = ctx.peer;
      if (lastByConnection !== undefined && peer !== undefined && values.length === 1) {
        const last = lastByConnection.get(peer);
        if (last !== undefined && last.authorization === values[0]) {
          const verified = verifier.accept(last.entry, options);
          if (verified !== undefined) return accept(ctx, state, verified, last.token);
        }
      }
      const token = bearerTokenOf(ctx.metadata);
      const result = verifier.entry(token, options, () => ctx);
      const remember = (entry: CachedVerification): undefined => {
        const verified = verifier.check(entry, options);
        if (lastByConnection !== undefined && peer !== undefined) lastByConnection.set(peer, { authorization: values[0] as string, token, entry });
        return accept(ctx, state, verified, token);
      };
      return result instanceof Promise ? result.then(remember) : remember(result);
    };
  }
}
