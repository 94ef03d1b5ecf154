import { formatSpiffeBundle } from '@rampart/pki';
import { parseTrustBundle, TrustDomainBundles } from '@rampart/pki/internal';
import type { X509Certificate } from 'node:crypto';
import { holds, InvariantViolation } from './invariant.js';

// A trust bundle file's text (PEM certificates, or a SPIFFE bundle: the JWK Set of a SPIRE federation endpoint). It
// reads as certificates or fails with an Error that names the source and is short; what it reads survives being
// written again, as PEM and as a SPIFFE bundle; a trust-domain bundle made of it answers for any of its
// certificates without throwing.

const SOURCE = 'fuzzed.bundle';
const MAX_MESSAGE = 1_000;

export function fuzz(data: Buffer): void {
  const text = data.toString('utf8');
  let certs: X509Certificate[];
  try {
    certs = parseTrustBundle(text, SOURCE);
  } catch (error) {
    if (!(error instanceof Error) || error instanceof InvariantViolation) throw error;
    holds(error.message.startsWith(`${SOURCE} `), `the message does not name the source: ${error.message.slice(0, 100)}`);
    holds(error.message.length <= MAX_MESSAGE, `a ${error.message.length}-character message`);
    return;
  }
  holds(certs.length > 0, 'a bundle without certificates was accepted');
  const fingerprints = certs.map((c) => c.fingerprint256).join();
  const asPem = parseTrustBundle(certs.map((c) => c.toString()).join('\n'), SOURCE);
  holds(asPem.map((c) => c.fingerprint256).join() === fingerprints, 'the certificates written as PEM read back differently');
  const asSpiffe = parseTrustBundle(formatSpiffeBundle(certs.map((c) => c.toString())), SOURCE);
  holds(asSpiffe.map((c) => c.fingerprint256).join() === fingerprints, 'the certificates written as a SPIFFE bundle read back differently');
  const bundles = new TrustDomainBundles('fuzz.example', certs);
  const unique = new Set(certs.map((c) => c.fingerprint256));
  holds(parseTrustBundle(bundles.pem, SOURCE).length === unique.size, 'the bundle PEM does not hold each certificate once');
  for (const cert of certs.slice(0, 4)) {
    const problem = bundles.anchorProblem(cert, 'fuzz.example', () => certs);
    holds(problem === undefined || problem.length <= MAX_MESSAGE, `a ${problem?.length}-character anchor problem`);
  }
}
