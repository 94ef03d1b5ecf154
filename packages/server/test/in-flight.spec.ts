import { describe, expect, it } from 'vitest';
import { InFlightCalls, type InFlightEntry } from '../src/in-flight.js';

const entry = (name: string): InFlightEntry & { name: string } => ({ name, inFlightPrev: undefined, inFlightNext: undefined });

describe('InFlightCalls', () => {
  it('adds, removes in any order and counts', () => {
    const calls = new InFlightCalls<ReturnType<typeof entry>>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(entry) as [ReturnType<typeof entry>, ReturnType<typeof entry>, ReturnType<typeof entry>, ReturnType<typeof entry>];
    for (const e of [a, b, c, d]) calls.add(e);
    expect(calls.size).toBe(4);
    calls.remove(c); // middle
    calls.remove(d); // head (most recent)
    calls.remove(a); // tail
    expect([...calls].map((e) => e.name)).toEqual(['b']);
    expect(calls.size).toBe(1);
    calls.remove(b);
    expect([...calls]).toEqual([]);
    expect(calls.size).toBe(0);
  });

  it('clears the links of a removed entry, so a finished call points at no other call', () => {
    const calls = new InFlightCalls<ReturnType<typeof entry>>();
    const [a, b, c] = ['a', 'b', 'c'].map(entry) as [ReturnType<typeof entry>, ReturnType<typeof entry>, ReturnType<typeof entry>];
    for (const e of [a, b, c]) calls.add(e);
    calls.remove(b);
    expect(b.inFlightPrev).toBeUndefined();
    expect(b.inFlightNext).toBeUndefined();
    expect(c.inFlightNext).toBe(a);
    expect(a.inFlightPrev).toBe(c);
  });

  it('ignores a second removal and an entry it does not hold', () => {
    const calls = new InFlightCalls<ReturnType<typeof entry>>();
    const [a, b, stranger] = ['a', 'b', 'x'].map(entry) as [ReturnType<typeof entry>, ReturnType<typeof entry>, ReturnType<typeof entry>];
    calls.add(a);
    calls.add(b);
    calls.remove(a);
    calls.remove(a);
    calls.remove(stranger);
    expect(calls.size).toBe(1);
    expect([...calls].map((e) => e.name)).toEqual(['b']);
  });

  it('iterates over the entries at the start, even when each one removes itself (shutdown aborts)', () => {
    const calls = new InFlightCalls<ReturnType<typeof entry>>();
    const all = ['a', 'b', 'c'].map(entry);
    for (const e of all) calls.add(e);
    const seen: string[] = [];
    for (const e of calls) {
      seen.push(e.name);
      calls.remove(e);
    }
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect(calls.size).toBe(0);
  });
});
