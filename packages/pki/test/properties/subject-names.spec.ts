import fc from 'fast-check';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertDnsName, assertIpAddress } from '../../src/subject-names.js';
import { RUNS } from './runs.js';

// Issue 18, item 3: the DNS names and IP addresses a certificate request names (`rampart certs issue`, dev PKI
// settings) before they are written into a certificate. Any text is accepted exactly when it follows the rule, and
// refused with a TypeError otherwise; valid names are always accepted.

const LABEL = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?$/);
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

const refusal = (check: () => void): TypeError | undefined => {
  try {
    check();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
};

describe('SAN values a certificate is asked for', () => {
  it('valid DNS names (and one leading wildcard label) are accepted', () => {
    fc.assert(
      fc.property(fc.array(LABEL, { minLength: 1, maxLength: 5 }), fc.boolean(), (labels, wildcard) => {
        const name = `${wildcard ? '*.' : ''}${labels.join('.')}`;
        if (name.length <= 253) expect(refusal(() => assertDnsName(name))).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('any text is accepted as a DNS name exactly when every label follows the rule', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[a-z0-9.*-]{0,40}$/)), (text) => {
        const labels = text.split('.');
        const checked = labels[0] === '*' && labels.length > 1 ? labels.slice(1) : labels;
        const valid = text.length <= 253 && checked.every((l) => DNS_LABEL.test(l));
        expect(refusal(() => assertDnsName(text)) === undefined).toBe(valid);
      }),
      { numRuns: RUNS },
    );
  });

  it('any text is accepted as an IP address exactly when Node reads it as one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (text) => {
        expect(refusal(() => assertIpAddress(text)) === undefined).toBe(isIP(text) !== 0);
      }),
      { numRuns: RUNS },
    );
  });
});
