import nodeModule from 'node:module';

/** What Node 22.10+ adds to `node:module` (the project's `@types/node` is Node 20's). */
interface CompileCacheApi {
  flushCompileCache?: () => void;
  getCompileCacheDir?: () => string | undefined;
}

/**
 * Writes Node's module compile cache now, when one is enabled (`NODE_COMPILE_CACHE=<dir>`, Node 22.1+; ADR 0053),
 * instead of only when the process exits: a process that is killed (an OOM kill, SIGKILL after a grace period) still
 * leaves the code it compiled to start for its next start. Called once the app reports SERVING, after the current
 * turn of the event loop; does nothing without a cache or on Node 20.
 *
 * @example
 * ```ts
 * this.health.setAll('SERVING');
 * flushCompileCacheSoon();
 * ```
 */
export function flushCompileCacheSoon(api: CompileCacheApi = nodeModule as CompileCacheApi): void {
  if (api.flushCompileCache === undefined || api.getCompileCacheDir?.() === undefined) return;
  const flush = api.flushCompileCache;
  setImmediate(() => flush()).unref();
}
