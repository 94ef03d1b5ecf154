import fc from 'fast-check';
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, formatSpiffeBundle, type CertificateAuthority } from '../../src/index.js';
import { parseTrustBundle, TrustDomainBundles } from '../../src/internal.js';
import { RUNS } from './runs.js';

// Issue 18, item 3: SPIFFE bundles written and read back, and the per-trust-domain bundles a workload holds, for any
// choice and order of authorities, sequence numbers and trust domains. `pnpm fuzz` (target trust-bundle) mutates
// the bundle text itself, coverage-guided.

let cas: CertificateAuthority[];
beforeAll(async () => {
  cas = await Promise.all(['A', 'B', 'C'].map((n) => createCa({ commonName: `authority ${n}` })));
});

const PICKS = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 });
const TRUST_DOMAIN = fc.stringMatching(/^[a-z0-9._-]{1,255}$/);
const raw = (certs: readonly X509Certificate[]) => certs.map((c) => c.fingerprint256);

describe('SPIFFE bundles and trust-domain bundles', () => {
  it('a SPIFFE bundle of any authorities, sequence and refresh hint reads back as those authorities, in order', () => {
    fc.assert(
      fc.property(PICKS, fc.option(fc.nat()), fc.option(fc.nat()), (picks, sequence, refreshHintSeconds) => {
        const pems = picks.map((i) => (cas[i] as CertificateAuthority).certPem);
        const text = formatSpiffeBundle(pems, { ...(sequence === null ? {} : { sequence }), ...(refreshHintSeconds === null ? {} : { refreshHintSeconds }) });
        expect(raw(parseTrustBundle(text, 'bundle.json'))).toEqual(raw(pems.map((p) => new X509Certificate(p))));
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });

  it('holds each authority once in its PEM, answers for its own domain and refuses others with a short reason', () => {
    fc.assert(
      fc.property(PICKS, PICKS, TRUST_DOMAIN, TRUST_DOMAIN, (own, partner, ownDomain, otherDomain) => {
        const certs = (picks: number[]) => picks.map((i) => new X509Certificate((cas[i] as CertificateAuthority).certPem));
        const bundles = new TrustDomainBundles(ownDomain, certs(own), new Map([['partner.example', certs(partner)]]));
        const all = new Set([...own, ...partner]);
        expect(parseTrustBundle(bundles.pem, 'pem')).toHaveLength(all.size);
        expect(bundles.trustDomains[0]).toBe(ownDomain);
        expect(bundles.bundleFor(undefined)).toEqual(bundles.bundleFor(ownDomain));
        const leaf = new X509Certificate((cas[own[0] as number] as CertificateAuthority).certPem);
        expect(bundles.anchorProblem(leaf, ownDomain, () => [])).toBeUndefined();
        const problem = bundles.anchorProblem(leaf, otherDomain, () => []);
        if (otherDomain !== ownDomain && otherDomain !== 'partner.example') expect(problem).toMatch(/^no trust bundle is configured for trust domain /);
        expect((problem ?? '').length).toBeLessThan(800);
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });
});
