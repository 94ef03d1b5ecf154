import { RampartError } from '@rampart/core';
import { INVALID_TOKEN_MESSAGE, invalidToken, quote } from './token-errors.js';

/** The one confirmation method (RFC 7800 `cnf` member) Rampart checks: RFC 8705's certificate thumbprint. */
const CERTIFICATE_THUMBPRINT = 'x5t#S256';

/** Registered confirmation methods Rampart cannot check, named in the refusal's reason. */
const UNVERIFIABLE: Readonly<Record<string, string>> = {
  jkt: 'DPoP, RFC 9449',
  jwk: 'a proof-of-possession key, RFC 7800',
  jwe: 'an encrypted proof-of-possession key, RFC 7800',
  jku: 'a proof-of-possession key set URL, RFC 7800',
  kid: 'a proof-of-possession key id, RFC 7800',
};

/**
 * Reads a token's sender constraint (RFC 7800 `cnf`) and returns the certificate thumbprint it is bound to
 * (RFC 8705 `x5t#S256`), or undefined for a token without `cnf` (a bearer token). A token that names any other
 * confirmation method (DPoP's `jkt`, `jwk`, …), an unknown member, or nothing at all (`cnf: {}`) is refused with
 * `ERR_TOKEN_BINDING`: its issuer meant it to be usable only with a proof this server cannot check, so accepting it
 * as a bearer token would drop the constraint (RFC 9449 §7.2; RFC 7800's "ignore what you do not understand" is
 * deliberately not followed, ADR 0012). A `cnf` that is not an object, or a thumbprint that is not a non-empty
 * string, is `ERR_TOKEN_INVALID`: a malformed binding never reads as "not bound".
 *
 * @example
 * ```ts
 * certificateConfirmation(undefined); // undefined: a bearer token
 * certificateConfirmation({ 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }); // the thumbprint
 * certificateConfirmation({ jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }); // throws ERR_TOKEN_BINDING
 * ```
 */
export function certificateConfirmation(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) throw invalidToken('claim "cnf" must be an object');
  const members = Object.keys(cnf);
  if (members.length === 0) {
    throw unverifiable('claim "cnf" is empty: the token says it is sender-constrained but names no confirmation method');
  }
  const others = members.filter((member) => member !== CERTIFICATE_THUMBPRINT);
  if (others.length > 0) {
    const named = others.slice(0, 4).map((member) => {
      const what = Object.hasOwn(UNVERIFIABLE, member) ? UNVERIFIABLE[member] : 'not a confirmation method Rampart knows';
      return `${quote(member)} (${what})`;
    });
    throw unverifiable(
      `claim "cnf" holds ${named.join(', ')}${others.length > 4 ? ', …' : ''}: a sender constraint this server cannot verify (only "x5t#S256" is), so the token is refused rather than accepted as a bearer token`,
    );
  }
  const thumbprint = (cnf as Record<string, unknown>)[CERTIFICATE_THUMBPRINT];
  if (typeof thumbprint !== 'string' || thumbprint === '') throw invalidToken('claim "cnf" has a malformed "x5t#S256"');
  return thumbprint;
}

function unverifiable(reason: string): RampartError {
  return new RampartError('ERR_TOKEN_BINDING', INVALID_TOKEN_MESSAGE, { reason });
}
