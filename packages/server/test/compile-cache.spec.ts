import { describe, expect, it, vi } from 'vitest';
import { flushCompileCacheSoon } from '../src/compile-cache.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('flushCompileCacheSoon (ADR 0053)', () => {
  it('writes the compile cache after the current turn when Node has one enabled', async () => {
    const flushCompileCache = vi.fn();
    flushCompileCacheSoon({ flushCompileCache, getCompileCacheDir: () => '/var/cache/app' });
    expect(flushCompileCache).not.toHaveBeenCalled(); // not inside the turn that reported SERVING
    await nextTurn();
    expect(flushCompileCache).toHaveBeenCalledTimes(1);
  });

  it('does nothing without a cache directory (NODE_COMPILE_CACHE unset) or on a Node without the API (20)', async () => {
    const flushCompileCache = vi.fn();
    flushCompileCacheSoon({ flushCompileCache, getCompileCacheDir: () => undefined });
    flushCompileCacheSoon({});
    await nextTurn();
    expect(flushCompileCache).not.toHaveBeenCalled();
  });
});
