import { bearerTokenOf } from '@rampart/auth/stages';
import type { IncomingMetadata } from '@rampart/core';
import { holds, parts, refusedSafely } from './invariant.js';

// The `authorization` metadata of a call, as the caller sent it: the input is its values, separated by NUL bytes
// (none for an empty input). bearerTokenOf returns exactly the RFC 6750 b64token after "Bearer" and spaces, or
// refuses with ERR_TOKEN_MISSING / ERR_TOKEN_INVALID and a message that is the same for every input.

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const metadataOf = (values: readonly string[]): IncomingMetadata => ({
  get: (key: string) => (key === 'authorization' ? [...values] : []),
});

export function fuzz(data: Buffer): void {
  const values = data.length === 0 ? [] : parts(data, 4).map((p) => p.toString('utf8'));
  let token: string;
  try {
    token = bearerTokenOf(metadataOf(values));
  } catch (error) {
    refusedSafely(error, {
      codes: values.length === 0 ? ['ERR_TOKEN_MISSING'] : ['ERR_TOKEN_INVALID'],
      messages: ['missing token', 'invalid token'],
      input: values[0],
    });
    return;
  }
  const [value] = values;
  holds(values.length === 1 && value !== undefined, 'a token was taken from other than exactly one value');
  holds(B64TOKEN.test(token), 'the token is not an RFC 6750 b64token');
  holds(/^bearer +$/i.test(value.slice(0, value.length - token.length)), 'the value is not "Bearer", spaces, then the token');
  holds(bearerTokenOf(metadataOf([`Bearer ${token}`])) === token, '"Bearer <token>" does not read back');
}
