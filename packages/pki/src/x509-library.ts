import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';

/** The reflection functions tsyringe (a dependency of @peculiar/x509) looks for while it loads. */
interface ReflectMetadataApi {
  getMetadata?: (...args: unknown[]) => unknown;
  getOwnMetadata?: (...args: unknown[]) => unknown;
  defineMetadata?: (...args: unknown[]) => void;
}

/**
 * Loads `@peculiar/x509` once, synchronously.
 *
 * The library pulls in tsyringe, which refuses to load unless a `Reflect.getMetadata` polyfill is present,
 * and reads `design:paramtypes` metadata while the library's classes are defined (they have none). When no
 * polyfill is installed, this installs inert stand-ins for the duration of the synchronous `require` and
 * removes them right after, so the process's global `Reflect` is left as it was found. Nothing else can run
 * in between. If `reflect-metadata` (or another polyfill) is already loaded, it is used as is.
 *
 * @example
 * ```ts
 * const x509 = loadX509Library();
 * const name = new x509.Name([{ CN: [{ utf8String: 'example' }] }]);
 * ```
 */
export function loadX509Library(): typeof X509 {
  const reflect = Reflect as unknown as ReflectMetadataApi;
  if (typeof reflect.getMetadata === 'function') {
    return requireX509();
  }
  const standIns: Required<ReflectMetadataApi> = {
    getMetadata: () => undefined,
    getOwnMetadata: () => undefined,
    defineMetadata: () => undefined,
  };
  Object.assign(reflect, standIns);
  try {
    return requireX509();
  } finally {
    for (const key of Object.keys(standIns) as (keyof ReflectMetadataApi)[]) {
      if (reflect[key] === standIns[key]) {
        delete reflect[key];
      }
    }
  }
}

function requireX509(): typeof X509 {
  const load = createRequire(import.meta.url);
  return load('@peculiar/x509') as typeof X509;
}

/**
 * The `@peculiar/x509` module, loaded once for this package (see {@link loadX509Library}).
 *
 * @example
 * ```ts
 * const usage = new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);
 * ```
 */
export const x509: typeof X509 = loadX509Library();
