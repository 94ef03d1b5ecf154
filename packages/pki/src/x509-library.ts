import 'reflect-metadata';
import * as X509 from '@peculiar/x509';

/**
 * The `@peculiar/x509` module. It pulls in tsyringe, which needs a `Reflect.getMetadata` polyfill: the same
 * `reflect-metadata` that inversify and Rampart's decorators use, loaded above.
 *
 * @example
 * ```ts
 * const usage = new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);
 * ```
 */
export const x509: typeof X509 = X509;
