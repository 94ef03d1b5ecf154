import { formatSpiffeId, parseSpiffeId, parseSubjectAltNames } from '@rampart/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, type CertificateAuthority } from '../../src/index.js';
import { parseTrustBundle } from '../../src/internal.js';
import { RUNS, seeds } from './runs.js';

// Issue 18, item 3: what reads identities and trust from outside (a SPIFFE ID in a certificate, the SAN text Node
// gives, a trust bundle file), with arbitrary input: an answer or a clear error, never a crash or a hang.

const LABEL = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const TRUST_DOMAIN = fc.array(LABEL, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
const SEGMENT = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
const PATH = fc.array(SEGMENT, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`);

describe('SPIFFE IDs', () => {
  it('format then parse gives the parts back', () => {
    fc.assert(
      fc.property(TRUST_DOMAIN, PATH, (trustDomain, path) => {
        const parsed = parseSpiffeId(formatSpiffeId(trustDomain, path));
        expect([parsed.trustDomain, parsed.path]).toEqual([trustDomain, path]);
      }),
      { numRuns: RUNS },
    );
  });

  it('any string is parsed to parts that format back to it, or refused with a TypeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(...seeds('spiffe-ids')), fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })).map(([a, b]) => `spiffe://${a}${b}`)), (text) => {
        let parts;
        try {
          parts = parseSpiffeId(text);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          expect((error as Error).message).toMatch(/^invalid SPIFFE ID/);
          return;
        }
        expect(formatSpiffeId(parts.trustDomain, parts.path)).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('subject alternative names (the text Node gives)', () => {
  it('any text is read as lists of names or refused as undefined; a URI list made by Node reads back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const parsed = parseSubjectAltNames(text);
        if (parsed !== undefined) for (const list of [parsed.uris, parsed.dnsNames, parsed.ipAddresses]) expect(Array.isArray(list)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]+:\/\/[A-Za-z0-9./-]{1,30}$/), { maxLength: 4 }), (uris) => {
        expect(parseSubjectAltNames(uris.map((u) => `URI:${u}`).join(', '))?.uris).toEqual(uris);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('trust bundles', () => {
  let cas: CertificateAuthority[];
  beforeAll(async () => {
    cas = await Promise.all([createCa({ commonName: 'bundle A' }), createCa({ commonName: 'bundle B' })]);
  });

  it('any text is a bundle of certificates or an Error naming the source', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.json({ maxDepth: 3 }), fc.constantFrom(...seeds('bundles')), fc.string().map((s) => `-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----\n`)), (text) => {
        try {
          const certs = parseTrustBundle(text, 'fuzzed.pem');
          expect(Array.isArray(certs)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toContain('fuzzed.pem');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('real certificates with any text around them are all read', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1), { minLength: 1, maxLength: 4 }), fc.stringMatching(/^[A-Za-z #\n]{0,40}$/), (picks, noise) => {
        const text = picks.map((i) => `${noise}\n${cas[i]?.certPem ?? ''}`).join('');
        expect(parseTrustBundle(text, 'bundle.pem')).toHaveLength(picks.length);
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });
});
