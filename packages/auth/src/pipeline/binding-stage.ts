import { injectable } from 'inversify';
import { RampartError } from '@rampart/core';
import { STAGE_ORDER, type AuthRequirements, type AuthStage, type StageCheck } from './stage.js';

/**
 * Certificate binding (RFC 8705): a token carrying `cnf["x5t#S256"]` is accepted only from the certificate with
 * that thumbprint, on every method whatever its options say; with `boundToCertificate: true`, a token without `cnf`
 * is refused too. A stolen bound token is useless from another workload. A token constrained any other way (DPoP
 * `jkt`, `jwk`, an empty or unknown `cnf`) never gets here: verification refuses it (`certificateConfirmation`).
 */
@injectable()
export class BindingStage implements AuthStage {
  readonly name = 'binding';
  readonly order = STAGE_ORDER.binding;
  readonly enforces = ['binding'] as const;
  readonly needs = ['token'] as const;

  plan({ token }: AuthRequirements): StageCheck | undefined {
    if (token === undefined) return undefined;
    const required = token.boundToCertificate === true;
    return (ctx, state) => {
      const bound = state.token?.confirmationThumbprint;
      if (bound === undefined) {
        if (required) {
          throw new RampartError('ERR_TOKEN_BINDING', 'invalid token', {
            reason: 'token is not bound to a certificate (no cnf["x5t#S256"]) and the method requires binding',
          });
        }
        return;
      }
      if (ctx.peer === undefined) {
        throw new RampartError('ERR_TOKEN_BINDING', 'invalid token', {
          reason: 'token is bound to a certificate but the call presented no verified client certificate',
        });
      }
      if (ctx.peer.thumbprint !== bound) {
        throw new RampartError('ERR_TOKEN_BINDING', 'invalid token', {
          reason: `token is bound to certificate ${bound}, the call presented ${ctx.peer.thumbprint} (${ctx.peer.spiffeId ?? 'no SPIFFE ID'})`,
        });
      }
    };
  }
}
