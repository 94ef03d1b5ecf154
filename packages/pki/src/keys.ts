import { createPrivateKey, createPublicKey, KeyObject, type webcrypto, type X509Certificate } from 'node:crypto';
import { EC_P256_SIGNING, webCrypto } from './crypto-provider.js';

/**
 * Generates an extractable ECDSA P-256 key pair with WebCrypto.
 *
 * @example
 * ```ts
 * const keys = await generateP256KeyPair();
 * const keyPem = privateKeyToPem(keys.privateKey);
 * ```
 */
export function generateP256KeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webCrypto.subtle.generateKey(EC_P256_SIGNING, true, ['sign', 'verify']);
}

/**
 * Exports a private key as PKCS#8 PEM (a block labelled `PRIVATE KEY`), ending in a newline.
 *
 * @example
 * ```ts
 * const keyPem = privateKeyToPem((await generateP256KeyPair()).privateKey);
 * ```
 */
export function privateKeyToPem(key: webcrypto.CryptoKey): string {
  return endWithNewline(KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString());
}

/**
 * Reads a P-256 private key from PEM (PKCS#8, or SEC1 `EC PRIVATE KEY`) for signing with WebCrypto, and
 * returns it with its canonical PKCS#8 PEM.
 *
 * @throws TypeError when the PEM is not an EC P-256 private key.
 *
 * @example
 * ```ts
 * const { signingKey, pkcs8Pem } = await importP256PrivateKey(keyPem, 'ca-key.pem');
 * ```
 */
export async function importP256PrivateKey(
  keyPem: string,
  label: string,
): Promise<{ readonly signingKey: webcrypto.CryptoKey; readonly keyObject: KeyObject; readonly pkcs8Pem: string }> {
  const keyObject = readP256PrivateKey(keyPem, label);
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const signingKey = await webCrypto.subtle.importKey('pkcs8', der, EC_P256_SIGNING, false, ['sign']);
  const pkcs8Pem = endWithNewline(keyObject.export({ type: 'pkcs8', format: 'pem' }).toString());
  return { signingKey, keyObject, pkcs8Pem };
}

/**
 * Parses a PEM private key with node:crypto and checks that it is an EC key on P-256.
 *
 * @throws TypeError when it is not.
 *
 * @example
 * ```ts
 * const key = readP256PrivateKey(await readFile('orders-key.pem', 'utf8'), 'orders-key.pem');
 * ```
 */
export function readP256PrivateKey(keyPem: string, label: string): KeyObject {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch (cause) {
    throw new TypeError(`${label} is not a PEM private key`, { cause });
  }
  if (keyObject.asymmetricKeyType !== 'ec' || keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError(`${label} is not an EC P-256 private key`);
  }
  return keyObject;
}

/**
 * Whether a private key belongs to a certificate: compares the DER SubjectPublicKeyInfo of both.
 *
 * @example
 * ```ts
 * if (!keyMatchesCertificate(key, new X509Certificate(certPem))) throw new Error('mismatch');
 * ```
 */
export function keyMatchesCertificate(privateKey: KeyObject, cert: X509Certificate): boolean {
  const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
  return fromKey.equals(fromCert);
}

/**
 * Returns the text with exactly one trailing newline.
 *
 * @example
 * ```ts
 * endWithNewline('-----END CERTIFICATE-----'); // '-----END CERTIFICATE-----\n'
 * ```
 */
export function endWithNewline(text: string): string {
  return `${text.trimEnd()}\n`;
}
