import { RampartError, type IncomingMetadata } from '@rampart/core';

// RFC 6750 b64token, after a case-insensitive "Bearer" and one or more spaces.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The bearer token of a call: exactly one `authorization` value of the form `Bearer <token>` (scheme matched
 * case-insensitively). A token under any other metadata key is not looked at.
 *
 * @throws RampartError `ERR_TOKEN_MISSING` without one, `ERR_TOKEN_INVALID` for two values or another scheme.
 */
export function bearerTokenOf(metadata: IncomingMetadata): string {
  const values = metadata.get('authorization');
  if (values.length === 0) {
    throw new RampartError('ERR_TOKEN_MISSING', 'missing token', { reason: 'no authorization metadata' });
  }
  if (values.length > 1) {
    throw new RampartError('ERR_TOKEN_INVALID', 'invalid token', { reason: `${values.length} authorization values` });
  }
  const value = values[0];
  const match = typeof value === 'string' ? BEARER.exec(value) : null;
  if (!match) {
    throw new RampartError('ERR_TOKEN_INVALID', 'invalid token', {
      reason: 'authorization is not "Bearer <token>"',
    });
  }
  return match[1] as string;
}
