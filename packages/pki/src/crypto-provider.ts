import { webcrypto } from 'node:crypto';

/**
 * The WebCrypto implementation used to generate keys and sign certificates: Node's own.
 *
 * @example
 * ```ts
 * const keys = await webCrypto.subtle.generateKey(EC_P256_SIGNING, true, ['sign', 'verify']);
 * ```
 */
export const webCrypto: webcrypto.Crypto = webcrypto;

/**
 * ECDSA on P-256 with SHA-256 (ES256): the key and signature algorithm of every certificate made here.
 *
 * @example
 * ```ts
 * const keys = await webCrypto.subtle.generateKey(EC_P256_SIGNING, true, ['sign', 'verify']);
 * ```
 */
export const EC_P256_SIGNING: Readonly<webcrypto.EcKeyGenParams & webcrypto.EcdsaParams> = Object.freeze({
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
});
