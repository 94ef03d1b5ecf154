import { RampartError } from '@rampart/core';
import { inject, injectable, optional } from 'inversify';
import { AUTH_TOKENS } from './tokens.js';
import type { TokenVerifier } from '../tokens/token-verifier.js';
import { bearerTokenOf } from './bearer.js';
import { STAGE_ORDER, type AuthRequirements, type AuthStage, type StageCheck } from './stage.js';

/**
 * The token: the call's bearer token verified against the trusted issuers (signature, issuer, audience, expiry,
 * type; cached), then `ctx.principal` set from it.
 */
@injectable()
export class TokenStage implements AuthStage {
  readonly name = 'token';
  readonly order = STAGE_ORDER.token;

  constructor(@inject(AUTH_TOKENS.TokenVerifier) @optional() private readonly verifier: TokenVerifier | undefined) {}

  plan({ token, method }: AuthRequirements): StageCheck | undefined {
    if (token === undefined) return undefined;
    const verifier = this.verifier;
    if (verifier === undefined) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `${method.path} requires a bearer token (@Authenticated) but no token issuer is configured. Fix: set auth.tokens.issuers (or RAMPART_AUTH_ISSUER)`,
      );
    }
    const options = {
      ...(token.audience !== undefined ? { audience: token.audience } : {}),
      ...(token.issuer !== undefined ? { issuer: token.issuer } : {}),
    };
    const withoutAudience = verifier.issuersWithoutAudience(options);
    if (withoutAudience.length > 0) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `${method.path} requires a bearer token, but tokens from ${withoutAudience.join(', ')} would have no expected audience, so every call would be refused. Fix: set auth.tokens.audience (RAMPART_AUTH_AUDIENCE) to this service's audience, or give the issuer or @Authenticated an audience`,
      );
    }
    // A cached token is decided synchronously (no promise on the warm path); a new one is verified asynchronously,
    // its wait for keys bounded by the call's own signal.
    return (ctx, state) => {
      const result = verifier.verifyFast(bearerTokenOf(ctx.metadata), options, () => ctx.signal);
      if (!(result instanceof Promise)) {
        state.token = result;
        ctx.principal = result.principal;
        return undefined;
      }
      return result.then((verified) => {
        state.token = verified;
        ctx.principal = verified.principal;
      });
    };
  }
}
