import type * as X509 from '@peculiar/x509';

let loading: Promise<typeof X509> | undefined;

/**
 * The `@peculiar/x509` module, loaded on first use. Only issuing and inspecting certificates need it (a CA, a
 * workload certificate, the dev PKI's checks), all asynchronous; the rest of this package (SPIFFE IDs,
 * thumbprints, the certificate/key check a server makes at start-up) does not. Loading it eagerly put the library
 * and its dependencies (the @peculiar/asn1-* schemas, tsyringe, tslib: ~2.7 MB of heap) into every Rampart
 * server, where every major GC had to walk them. It pulls in tsyringe, which needs a `Reflect.getMetadata`
 * polyfill: the same `reflect-metadata` that inversify and Rampart's decorators use, loaded first.
 *
 * @example
 * ```ts
 * const x509 = await loadX509();
 * const usage = new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);
 * ```
 */
export function loadX509(): Promise<typeof X509> {
  loading ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return loading;
}
