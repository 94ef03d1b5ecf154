import { describe, expect, it } from 'vitest';
import type { RevocationKind } from '../src/index.js';
import { OpenStreams } from '../src/open-streams.js';

describe('OpenStreams, the index of open streams a revocation ends', () => {
  it('ends exactly the streams the revocation concerns, once, and forgets them', () => {
    const streams = new OpenStreams();
    const ended: string[] = [];
    const end = (name: string) => (kind: RevocationKind) => void ended.push(`${name}:${kind}`);
    streams.watch({ jti: 'j1', sub: 'alice', clientId: 'batch' }, end('a'));
    streams.watch({ jti: 'j2', sub: 'alice', clientId: undefined }, end('b'));
    streams.watch({ jti: 'j3', sub: 'bob', clientId: 'batch' }, end('c'));
    expect(streams.revoked({ kind: 'sub', value: 'alice' })).toBe(2);
    expect(ended).toEqual(['a:sub', 'b:sub']);
    expect(streams.revoked({ kind: 'clientId', value: 'batch' })).toBe(1);
    expect(ended).toEqual(['a:sub', 'b:sub', 'c:clientId']);
    expect(streams.revoked({ kind: 'jti', value: 'j1' })).toBe(0);
    expect(streams.size).toBe(0);
  });

  it('a released stream is not ended, and one stream whose end throws does not keep the others open', () => {
    const streams = new OpenStreams();
    const ended: string[] = [];
    const release = streams.watch({ jti: 'j1', sub: 'carol', clientId: undefined }, () => void ended.push('released'));
    streams.watch({ jti: 'j2', sub: 'carol', clientId: undefined }, () => {
      throw new Error('broken stream');
    });
    streams.watch({ jti: 'j3', sub: 'carol', clientId: undefined }, () => void ended.push('third'));
    release();
    expect(streams.revoked({ kind: 'sub', value: 'carol' })).toBe(2);
    expect(ended).toEqual(['third']);
    expect(streams.snapshot()).toEqual([]);
  });
});
