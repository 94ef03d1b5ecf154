import { describe, expect, it } from 'vitest';
import { parseSpiffeId } from '../src/index.js';

// Found by `pnpm fuzz` (target spiffe-id, invariant "the message is short whatever the input"): a refused ID was
// quoted whole in the TypeError, so a 2 049-character URI SAN (or a megabyte one) made a message as long. IDs come
// from peers' certificates and messages go into logs: at most the first 120 characters are quoted now.

describe('parseSpiffeId refusals quote at most 120 characters of the ID', () => {
  it.each([
    ['an ID over the length limit', `spiffe://demo.rampart.dev/${'a'.repeat(2_048)}`, 'longer than 2048 characters'],
    ['a megabyte of text', 'x'.repeat(1_000_000), 'longer than 2048 characters'],
    ['a long text that is no SPIFFE ID', 'x'.repeat(500), 'must start with "spiffe://" (lowercase scheme)'],
    ['a long trust domain', `spiffe://${'a'.repeat(300)}/x`, 'trust domain is longer than 255 characters'],
  ])('%s', (_name, id, rule) => {
    let message = '';
    try {
      parseSpiffeId(id);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`invalid SPIFFE ID ${JSON.stringify(`${id.slice(0, 120)}…`)}: ${rule}`);
  });

  it('quotes a short ID whole', () => {
    expect(() => parseSpiffeId('spiffe://Demo/x')).toThrow(/^invalid SPIFFE ID "spiffe:\/\/Demo\/x": trust domain may only contain/);
  });
});
