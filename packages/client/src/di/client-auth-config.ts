import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RampartError, type ConfigReader } from '@rampart/core';
import type { ClientAssertionAlg, ClientAuthentication } from '../tokens/client-authentication.js';
import type { TokenClientConfig } from './clients-config.js';

/** The key each assertion algorithm needs: node's key type and, for EC keys, the curve. */
const KEY_FOR_ALG: Record<ClientAssertionAlg, { type: string; curve?: string; what: string }> = {
  ES256: { type: 'ec', curve: 'prime256v1', what: 'an EC P-256 key' },
  ES384: { type: 'ec', curve: 'secp384r1', what: 'an EC P-384 key' },
  ES512: { type: 'ec', curve: 'secp521r1', what: 'an EC P-521 key' },
  RS256: { type: 'rsa', what: 'an RSA key' },
  RS384: { type: 'rsa', what: 'an RSA key' },
  RS512: { type: 'rsa', what: 'an RSA key' },
  PS256: { type: 'rsa', what: 'an RSA key' },
  PS384: { type: 'rsa', what: 'an RSA key' },
  PS512: { type: 'rsa', what: 'an RSA key' },
  EdDSA: { type: 'ed25519', what: 'an Ed25519 key' },
};

/** The PEM label of a PKCS#8 private key, the only form jose imports for client assertions. */
const PKCS8_LABEL = 'PRIVATE KEY';

const fail = (message: string): never => {
  throw new RampartError('ERR_CONFIG_INVALID', message);
};

/**
 * The token client's authentication from `auth.client.*`, checked at start-up: the key file of `private_key_jwt`
 * is read and must hold a private key that suits `privateKeyAlg`; a client secret must come from its file; a key or
 * secret configured for a method that does not use it is refused (it would be ignored, which hides a mistake).
 *
 * @throws RampartError `ERR_CONFIG_INVALID` naming the setting and the fix.
 */
export function clientAuthenticationFrom(config: ConfigReader<TokenClientConfig>): ClientAuthentication {
  const method = config.get('auth.client.authMethod');
  const privateKeyFile = config.get('auth.client.privateKeyFile');
  const secret = config.get('auth.client.secret');
  const usesKey = method === 'private_key_jwt';
  const usesSecret = method === 'client_secret_basic' || method === 'client_secret_post';
  if (!usesKey && privateKeyFile !== '') {
    fail(`auth.client.privateKeyFile is set but auth.client.authMethod is ${method}, which does not use it. Fix: set RAMPART_AUTH_CLIENT_AUTH_METHOD=private_key_jwt, or unset RAMPART_AUTH_CLIENT_PRIVATE_KEY_FILE`);
  }
  if (!usesKey && config.get('auth.client.privateKeyCertificateFile') !== '') {
    fail(`auth.client.privateKeyCertificateFile is set but auth.client.authMethod is ${method}, which does not use it. Fix: set RAMPART_AUTH_CLIENT_AUTH_METHOD=private_key_jwt, or unset RAMPART_AUTH_CLIENT_PRIVATE_KEY_CERTIFICATE_FILE`);
  }
  if (!usesSecret && secret !== '') {
    fail(`auth.client.secret is set but auth.client.authMethod is ${method}, which does not use it. Fix: set RAMPART_AUTH_CLIENT_AUTH_METHOD=client_secret_basic (or client_secret_post), or unset RAMPART_AUTH_CLIENT_SECRET_FILE`);
  }
  if (usesSecret) {
    if (secret === '') fail(`auth.client.authMethod is ${method} but no secret is configured. Fix: write the client secret to a file only this service can read and set RAMPART_AUTH_CLIENT_SECRET_FILE to its path`);
    return { method, secret };
  }
  if (usesKey) {
    const alg = config.get('auth.client.privateKeyAlg');
    if (privateKeyFile === '') fail('auth.client.authMethod is private_key_jwt but auth.client.privateKeyFile is not set. Fix: set RAMPART_AUTH_CLIENT_PRIVATE_KEY_FILE to the PEM file (PKCS#8) of the key registered at the issuer');
    const key = readKey(privateKeyFile);
    checkAssertionKey(key, alg, privateKeyFile);
    const kid = config.get('auth.client.privateKeyId');
    const certificateFile = config.get('auth.client.privateKeyCertificateFile');
    if (certificateFile !== '') checkKeyCertificate(certificateFile, key, privateKeyFile);
    const assertionAudience = config.get('auth.client.assertionAudience');
    return { method, privateKeyFile, alg, assertionAudience, ...(kid === '' ? {} : { kid }), ...(certificateFile === '' ? {} : { certificateFile }) };
  }
  return { method };
}

function readKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    return fail(`auth.client.privateKeyFile ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}). Fix: point RAMPART_AUTH_CLIENT_PRIVATE_KEY_FILE at a readable PEM file`);
  }
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
  if (label !== PKCS8_LABEL) {
    const found = label === undefined ? 'it holds no PEM block' : `its block is labelled ${label}, not ${PKCS8_LABEL}`;
    return fail(`auth.client.privateKeyFile ${file} is not a PKCS#8 PEM key (${found}). Fix: convert it, e.g. openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pk8.pem, and point RAMPART_AUTH_CLIENT_PRIVATE_KEY_FILE at that`);
  }
  try {
    return createPrivateKey(pem);
  } catch {
    return fail(`auth.client.privateKeyFile ${file} holds no PEM private key. Fix: point RAMPART_AUTH_CLIENT_PRIVATE_KEY_FILE at the PKCS#8 PEM key (a block labelled PRIVATE KEY) registered at the issuer`);
  }
}

function checkAssertionKey(key: KeyObject, alg: ClientAssertionAlg, file: string): void {
  const needed = KEY_FOR_ALG[alg];
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const type = key.asymmetricKeyType === 'rsa-pss' ? 'rsa' : key.asymmetricKeyType;
  if (type !== needed.type || (needed.curve !== undefined && curve !== needed.curve)) {
    const held = `${key.asymmetricKeyType ?? 'unknown'}${curve === undefined ? '' : ` ${curve}`}`;
    fail(`auth.client.privateKeyAlg ${alg} needs ${needed.what}, but ${file} holds a ${held} key. Fix: set RAMPART_AUTH_CLIENT_PRIVATE_KEY_ALG to suit the key, or use the key registered for ${alg}`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (type === 'rsa' && (bits === undefined || bits < 2048)) {
    fail(`auth.client.privateKeyFile ${file} holds a ${bits ?? '?'}-bit RSA key; assertions need 2048 bits at least. Fix: use a 2048-bit (or larger) RSA key`);
  }
}

/** The certificate named for the assertion key must be that key's: the issuer finds the key by its thumbprint. */
function checkKeyCertificate(file: string, key: KeyObject, keyFile: string): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(file));
  } catch {
    return fail(`auth.client.privateKeyCertificateFile ${file} holds no readable PEM certificate. Fix: point RAMPART_AUTH_CLIENT_PRIVATE_KEY_CERTIFICATE_FILE at the certificate registered at the issuer`);
  }
  if (!certificate.checkPrivateKey(key)) {
    fail(`auth.client.privateKeyCertificateFile ${file} is not the certificate of the key in ${keyFile}. Fix: name the certificate of that key, as registered at the issuer`);
  }
}
