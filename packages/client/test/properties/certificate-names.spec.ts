import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spiffeIdOfCertificate, isSpiffeId } from '../../src/tls/spiffe-id-of-certificate.js';
import { uriSansOf } from '../../src/tls/subject-alt-names.js';
import { RUNS } from './runs.js';

// Issue 18, item 3: how a client reads the server's SPIFFE ID from the SAN text Node gives (both `subjectaltname` of
// a TLS peer certificate and `subjectAltName` of an X509Certificate). Any text never throws; names written the way
// Node writes them read back exactly; an ID is taken only from exactly one URI SAN that is a valid SPIFFE ID.
// `pnpm fuzz` (targets san-text, peer-certificate) checks the Node format against real certificates.

/** One SAN as Node prints an IA5String: quoted JSON-style when it holds `"`, `\`, `,`, `'` or non-printable ASCII. */
function asNode(kind: string, value: string): string {
  if ([...value].every((c) => c >= ' ' && c <= '~' && !'"\\,\''.includes(c))) return `${kind}:${value}`;
  const body = [...value].map((c) => (c === '"' || c === '\\' ? `\\${c}` : c >= ' ' && c <= '~' && c !== ',' ? c : `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return `${kind}:"${body.join('')}"`;
}

const ASCII = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 30 });
const URI = fc.oneof(ASCII, fc.constantFrom('spiffe://demo.rampart.dev/orders', 'spiffe://a/b, URI:spiffe://evil/x', 'spiffe://a/b"'));
const NAMES = fc.array(fc.tuple(fc.constantFrom('URI', 'DNS', 'IP Address'), URI), { maxLength: 5 });

describe('the server SPIFFE ID a client reads from Node\'s SAN text', () => {
  it('any text or value never throws, and an ID is always a valid SPIFFE ID', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.anything()), fc.boolean(), (text, tls) => {
        const cert = tls ? { subjectaltname: text as string } : { subjectAltName: text as string };
        const uris = uriSansOf(cert);
        const id = spiffeIdOfCertificate(cert);
        if (id !== undefined) {
          expect(isSpiffeId(id)).toBe(true);
          expect(uris).toEqual([id]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('names written as Node writes them read back, and the ID is the only URI when it is a SPIFFE ID', () => {
    fc.assert(
      fc.property(NAMES, (names) => {
        const text = names.map(([kind, value]) => asNode(kind, value)).join(', ');
        const uris = names.filter(([kind]) => kind === 'URI').map(([, value]) => value);
        expect(uriSansOf({ subjectaltname: text })).toEqual(uris);
        expect(spiffeIdOfCertificate({ subjectAltName: text })).toBe(uris.length === 1 && isSpiffeId(uris[0] as string) ? uris[0] : undefined);
      }),
      { numRuns: RUNS },
    );
  });
});
