import { describe, expect, it } from 'vitest';
import { createContextKey } from '../src/index.js';
import { createContextValues } from '../src/internal.js';

describe('context values', () => {
  it('returns the default until set, and keeps keys with the same description apart', () => {
    const a = createContextKey<string>('none', { description: 'tenant' });
    const b = createContextKey<string>('other', { description: 'tenant' });
    const values = createContextValues();
    expect(values.get(a)).toBe('none');
    values.set(a, 'acme');
    expect(values.get(a)).toBe('acme');
    expect(values.get(b)).toBe('other');
    expect(values.has(a)).toBe(true);
    values.delete(a);
    expect(values.has(a)).toBe(false);
  });
});
