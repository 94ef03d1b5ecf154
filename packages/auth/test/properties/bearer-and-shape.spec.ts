import { RampartError, type IncomingMetadata } from '@rampart/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerTokenOf } from '../../src/pipeline/bearer.js';
import { assertTokenShape, unverifiedIssuer } from '../../src/tokens/token-shape.js';
import { RUNS, seeds } from './runs.js';

// Issue 18, item 3: what parses a caller's authorization value and the token's shape, with arbitrary input: it
// returns the token or throws a RampartError with a short message that never repeats the input.

const metadataOf = (values: readonly (string | Buffer)[]): IncomingMetadata =>
  ({ get: (key: string) => (key === 'authorization' ? [...values] : []) });
const B64TOKEN = fc.stringMatching(/^[A-Za-z0-9\-._~+/]+=*$/);
const B64URL = fc.stringMatching(/^[A-Za-z0-9_-]+$/);
const refusedSafely = (error: unknown, input: string): void => {
  expect(error).toBeInstanceOf(RampartError);
  const e = error as RampartError;
  expect(['ERR_TOKEN_MISSING', 'ERR_TOKEN_INVALID']).toContain(e.code);
  expect(e.message.length).toBeLessThanOrEqual(40);
  if (input.length > 12) expect(e.message).not.toContain(input);
};

describe('bearerTokenOf, any authorization metadata', () => {
  it('returns exactly the b64token after "Bearer" and spaces, any case', () => {
    fc.assert(
      fc.property(B64TOKEN, fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr'), fc.integer({ min: 1, max: 4 }), (token, scheme, spaces) => {
        expect(bearerTokenOf(metadataOf([`${scheme}${' '.repeat(spaces)}${token}`]))).toBe(token);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses anything else, and any number of values but one, with ERR_TOKEN_*', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.uint8Array().map((a) => Buffer.from(a)), fc.constantFrom(...seeds('authorization-values'))), { maxLength: 3 }), (values) => {
        try {
          const token = bearerTokenOf(metadataOf(values));
          expect(values).toHaveLength(1);
          expect(String(values[0])).toMatch(/^bearer +/i);
          expect(String(values[0]).endsWith(token)).toBe(true);
        } catch (error) {
          refusedSafely(error, String(values[0] ?? ''));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('assertTokenShape and unverifiedIssuer, any string', () => {
  it('accepts three base64url parts only, and unverifiedIssuer reads iss from such a payload or refuses safely', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.tuple(B64URL, B64URL, B64URL).map((p) => p.join('.')), fc.constantFrom(...seeds('tokens'))), (token) => {
        try {
          assertTokenShape(token, 8_192);
        } catch (error) {
          expect((error as RampartError).code).toBe('ERR_TOKEN_INVALID');
          expect(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)).toBe(false);
          return;
        }
        try {
          expect(typeof unverifiedIssuer(token)).toBe('string');
        } catch (error) {
          expect((error as RampartError).code).toBe('ERR_TOKEN_INVALID');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('reads back any issuer put in a well-formed payload', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 }), (iss, extra) => {
        const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const token = `${part({ alg: 'ES256' })}.${part({ ...extra, iss })}.c2ln`;
        assertTokenShape(token, 1 << 20);
        expect(unverifiedIssuer(token)).toBe(iss);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a token over the size limit before looking at it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4_096 }), fc.integer({ min: 1, max: 100 }), (max, over) => {
        try {
          assertTokenShape('a'.repeat(max + over), max);
          expect.unreachable();
        } catch (error) {
          expect((error as RampartError).reason).toMatch(/^token too large/);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
