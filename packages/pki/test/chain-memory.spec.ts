import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueCertificate } from '../src/index.js';
import { ChainMemory } from '../src/internal.js';

let leaves: X509Certificate[];
let issuer: X509Certificate;

beforeAll(async () => {
  const ca = await createCa({ commonName: 'chain memory test CA' });
  issuer = new X509Certificate(ca.certPem);
  leaves = await Promise.all(
    ['a', 'b', 'c'].map(async (name) => new X509Certificate((await issueCertificate(ca, { spiffeId: `spiffe://test.rampart.dev/${name}` })).certPem)),
  );
});

describe('ChainMemory', () => {
  it('recalls the issuers remembered for a leaf, and none for another leaf', () => {
    const memory = new ChainMemory();
    memory.remember(leaves[0]!, [issuer]);
    expect(memory.recall(leaves[0]!)).toEqual([issuer]);
    expect(memory.recall(leaves[1]!)).toEqual([]);
  });

  it('keeps nothing for a chain without issuers', () => {
    const memory = new ChainMemory();
    memory.remember(leaves[0]!, []);
    expect(memory.size).toBe(0);
  });

  it('keeps at most maxLeaves, forgetting the least recently used (a recall counts as use)', () => {
    const memory = new ChainMemory(2);
    memory.remember(leaves[0]!, [issuer]);
    memory.remember(leaves[1]!, [issuer]);
    memory.recall(leaves[0]!);
    memory.remember(leaves[2]!, [issuer]);
    expect(memory.size).toBe(2);
    expect(memory.recall(leaves[1]!)).toEqual([]);
    expect(memory.recall(leaves[0]!)).toEqual([issuer]);
    expect(memory.recall(leaves[2]!)).toEqual([issuer]);
  });
});
