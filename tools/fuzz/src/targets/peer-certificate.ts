import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { parseSpiffeId, parseSubjectAltNames } from '@rampart/core';
import { identityFromDer } from '@rampart/server/internal';
import { webcrypto, X509Certificate } from 'node:crypto';
import { formatAltNameAsNode } from './fixtures/node-alt-names.js';
import { holds, parts } from './invariant.js';

// A client certificate's identity, as the server computes it once per connection (identityFromDer): the input is
// the certificate's subject alternative names (NUL between them; each one's first byte picks URI or DNS, its rest
// is the value, any 7-bit bytes: these are IA5Strings) and, in the first byte, whether it is a CA. A real certificate is made with those names,
// then:
// - the identity's URIs and DNS names are exactly the names put in, in order, whatever characters they hold (a URI
//   holding ", URI:spiffe://…" stays one URI), and Node's text form is what formatAltNameAsNode says;
// - it has a SPIFFE ID only for a leaf with exactly one URI SAN that is a valid SPIFFE ID, and then it is that URI.

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const keys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
const KINDS = ['url', 'dns'] as const;

export async function fuzz(data: Buffer): Promise<void> {
  if (data.length === 0) return;
  const ca = ((data[0] as number) & 1) === 1;
  const names = data.length === 1 ? [] : parts(data.subarray(1), 8).map((p) => ({ type: KINDS[(p[0] ?? 0) % 2] as (typeof KINDS)[number], value: Buffer.from(p.subarray(1).map((b) => b & 0x7f)).toString('latin1') }));
  let der: Buffer;
  try {
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: '01',
      subject: 'CN=fuzzed peer',
      issuer: 'CN=fuzzed peer',
      notBefore: new Date('2030-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-02T00:00:00Z'),
      signingAlgorithm: algorithm,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      extensions: [new x509.BasicConstraintsExtension(ca, undefined, true), ...(names.length === 0 ? [] : [new x509.SubjectAlternativeNameExtension(names)])],
    });
    der = Buffer.from(cert.rawData);
  } catch {
    return; // the library refused to write such a name: nothing reaches a server
  }
  const identity = identityFromDer(der);
  const uris = names.filter((n) => n.type === 'url').map((n) => n.value);
  const dnsNames = names.filter((n) => n.type === 'dns').map((n) => n.value);
  holds(JSON.stringify(identity.uris) === JSON.stringify(uris), `URIs ${JSON.stringify(uris)} read as ${JSON.stringify(identity.uris)}`);
  holds(JSON.stringify(identity.dnsNames) === JSON.stringify(dnsNames), `DNS names ${JSON.stringify(dnsNames)} read as ${JSON.stringify(identity.dnsNames)}`);
  const text = new X509Certificate(der).subjectAltName;
  const expected = names.map((n) => formatAltNameAsNode(n.type === 'url' ? 'URI' : 'DNS', n.value)).join(', ');
  holds((text ?? '') === expected, `Node wrote ${JSON.stringify(text)}, not ${JSON.stringify(expected)}`);
  holds(parseSubjectAltNames(text) !== undefined, 'Node\'s text reads as ambiguous');
  const [only] = uris;
  const spiffe = !ca && uris.length === 1 && only !== undefined && isSpiffeId(only);
  holds(identity.spiffeId === (spiffe ? only : undefined), `SPIFFE ID ${String(identity.spiffeId)} for URIs ${JSON.stringify(uris)} (CA ${ca})`);
  holds(identity.trustDomain === (spiffe ? parseSpiffeId(only).trustDomain : undefined), 'the trust domain is not the SPIFFE ID\'s');
}

function isSpiffeId(text: string): boolean {
  try {
    parseSpiffeId(text);
    return true;
  } catch {
    return false;
  }
}
