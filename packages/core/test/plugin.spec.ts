import { describe, expect, it } from 'vitest';
import { definePlugin, RampartError, type RampartPlugin } from '../src/index.js';
import { orderPlugins } from '../src/internal.js';

const plugin = (name: string, dependencies: string[] = []): RampartPlugin =>
  definePlugin({ name, dependencies, register: () => undefined });

describe('orderPlugins', () => {
  it('registers dependencies first and keeps the given order otherwise', () => {
    const order = orderPlugins([plugin('a', ['c']), plugin('b'), plugin('c')]).map((p) => p.name);
    expect(order).toEqual(['c', 'a', 'b']);
  });

  it('names the plugin and its missing dependency', () => {
    let caught: unknown;
    try {
      orderPlugins([plugin('redis-replay', ['rampart-auth'])]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RampartError);
    expect((caught as RampartError).code).toBe('ERR_PLUGIN_DEPENDENCY');
    expect((caught as RampartError).message).toBe(
      'plugin "redis-replay" depends on "rampart-auth", which is not registered: add it to `plugins`',
    );
  });

  it('refuses cycles, duplicate names and malformed plugins', () => {
    expect(() => orderPlugins([plugin('a', ['b']), plugin('b', ['a'])])).toThrow(/cycle: a -> b -> a/);
    expect(() => orderPlugins([plugin('a'), plugin('a')])).toThrow(/registered twice/);
    expect(() => orderPlugins([{ name: '' } as unknown as RampartPlugin])).toThrow(/non-empty `name`/);
  });
});
