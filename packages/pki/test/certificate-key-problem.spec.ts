import { describe, expect, it } from 'vitest';
import { createCa, issueCertificate } from '../src/index.js';
import { certificateKeyProblem } from '../src/internal.js';

describe('certificateKeyProblem', () => {
  it('accepts a certificate with its key, and names a mismatched key, an expired certificate and bad PEM', async () => {
    const ca = await createCa({ commonName: 'Key problem test CA', validityDays: 1 });
    const server = await issueCertificate(ca, { spiffeId: 'spiffe://test.rampart.dev/server', usage: 'server' });
    const other = await issueCertificate(ca, { spiffeId: 'spiffe://test.rampart.dev/other', usage: 'server' });
    expect(certificateKeyProblem(server.chainPem, server.keyPem)).toBeUndefined();
    expect(certificateKeyProblem(Buffer.from(server.certPem), Buffer.from(server.keyPem))).toBeUndefined();
    expect(certificateKeyProblem(server.certPem, other.keyPem)).toBe('the private key does not match the certificate');
    expect(certificateKeyProblem(server.certPem, server.keyPem, server.notAfter.getTime() + 1_000)).toMatch(/^the certificate expired at /);
    expect(certificateKeyProblem('not a certificate', server.keyPem)).toMatch(/^not valid PEM \(/);
    expect(certificateKeyProblem(server.certPem, server.keyPem, server.notBefore.getTime() - 1_000)).toMatch(/^the certificate is not valid before /);
    // A chain file cut inside its second certificate (a half-written file): the leaf parses and matches, TLS refuses it.
    const cut = server.chainPem.slice(0, server.certPem.length + 40);
    expect(certificateKeyProblem(cut, server.keyPem)).toMatch(/^TLS refuses them \(.*bad end line\): a certificate chain or key cut short\?$/);
    expect(certificateKeyProblem(server.certPem, server.keyPem.slice(0, 60))).toMatch(/^not valid PEM \(/);
  });
});
