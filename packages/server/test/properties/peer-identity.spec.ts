import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { parseSpiffeId } from '@rampart/core';
import fc from 'fast-check';
import { webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { identityFromDer } from '../../src/internal.js';

// Issue 18, item 3: the identity the server reads from a client certificate (once per connection), for real
// certificates with arbitrary subject alternative names. The URIs and DNS names read back exactly, in order, whatever
// characters they hold (Node quotes those with ",", quotes or control characters; a URI holding ", URI:spiffe://…"
// stays one URI), and a SPIFFE ID is given only to a leaf with exactly one URI SAN that is a valid SPIFFE ID.
// `pnpm fuzz` (target peer-certificate) runs the same checks coverage-guided.

const RUNS = Number(process.env['RAMPART_FUZZ_RUNS'] ?? 60);
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
let keys: webcrypto.CryptoKeyPair;
beforeAll(async () => {
  keys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
});

type Name = { type: 'url' | 'dns'; value: string };

async function certificate(names: readonly Name[], ca: boolean): Promise<Buffer> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01',
    subject: 'CN=peer',
    issuer: 'CN=peer',
    notBefore: new Date('2030-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-02T00:00:00Z'),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions: [new x509.BasicConstraintsExtension(ca, undefined, true), ...(names.length === 0 ? [] : [new x509.SubjectAlternativeNameExtension(names)])],
  });
  return Buffer.from(cert.rawData);
}

const SPIFFE_ID = fc.tuple(fc.stringMatching(/^[a-z0-9.-]{1,20}$/), fc.stringMatching(/^(\/[A-Za-z0-9_-]{1,8}){1,3}$/)).map(([td, path]) => `spiffe://${td}${path}`);
const ASCII = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const VALUE = fc.oneof(SPIFFE_ID, ASCII, fc.constantFrom('spiffe://a/b, URI:spiffe://evil/x', 'a"b\\c', "it's", 'x,y', '\u0000\u001f\u007f'));
const NAME = fc.record({ type: fc.constantFrom('url' as const, 'dns' as const), value: VALUE });

describe('identityFromDer, certificates with any SANs', () => {
  it('reads back every URI and DNS name, and a SPIFFE ID only under the X.509-SVID rule', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(NAME, { maxLength: 4 }), fc.boolean(), async (names, ca) => {
        const identity = identityFromDer(await certificate(names, ca));
        const uris = names.filter((n) => n.type === 'url').map((n) => n.value);
        expect(identity.uris).toEqual(uris);
        expect(identity.dnsNames).toEqual(names.filter((n) => n.type === 'dns').map((n) => n.value));
        let valid = false;
        try {
          parseSpiffeId(uris[0] ?? '');
          valid = true;
        } catch {
          // not a SPIFFE ID
        }
        const expected = !ca && uris.length === 1 && valid ? uris[0] : undefined;
        expect(identity.spiffeId).toBe(expected);
        expect(identity.trustDomain).toBe(expected === undefined ? undefined : parseSpiffeId(expected).trustDomain);
      }),
      { numRuns: RUNS },
    );
  });
});
