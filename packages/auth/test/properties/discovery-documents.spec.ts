import { RampartError } from '@rampart/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discoverJwksUri } from '../../src/tokens/discovery.js';
import type { TokenFetch } from '../../src/tokens/token-types.js';
import { RUNS } from './runs.js';

// Issue 18, item 3: an issuer's OIDC discovery document is outside input. Whatever body comes back (any bytes, any
// JSON, any jwks_uri, too large), the reader returns an https jwks_uri on the issuer's own origin or refuses with a
// RampartError, and never reads past its byte limit.

const ISSUER = 'https://issuer.example';
const fetchAnswering = (body: Uint8Array, status = 200): TokenFetch =>
  () => Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/json' } }));
const read = (body: Uint8Array, maxBytes = 4_096) =>
  discoverJwksUri(ISSUER, { fetch: fetchAnswering(body), signal: AbortSignal.timeout(5_000), maxBytes, jwksHosts: [] });

describe('OIDC discovery documents, arbitrary', () => {
  it('any body gives a jwks_uri on the issuer\'s https origin, or a RampartError', async () => {
    const documents = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.json({ maxDepth: 3 }).map((j) => new TextEncoder().encode(j)),
      fc.record({ issuer: fc.oneof(fc.constant(ISSUER), fc.string()), jwks_uri: fc.oneof(fc.webUrl(), fc.string(), fc.constant(`${ISSUER}/jwks`), fc.integer()) }).map((d) => new TextEncoder().encode(JSON.stringify(d))),
    );
    await fc.assert(
      fc.asyncProperty(documents, async (body) => {
        try {
          const url = await read(body);
          expect(url.origin).toBe(ISSUER);
          expect(url.protocol).toBe('https:');
        } catch (error) {
          expect(error).toBeInstanceOf(RampartError);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a document over the byte limit is refused, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1_024, max: 4_096 }), fc.integer({ min: 1, max: 2_000 }), async (limit, over) => {
        const body = new TextEncoder().encode(JSON.stringify({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, pad: 'x'.repeat(limit + over) }));
        await expect(read(body, limit)).rejects.toBeInstanceOf(RampartError);
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });
});
