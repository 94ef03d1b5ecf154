import { type webcrypto, type X509Certificate } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { EC_P256_SIGNING, webCrypto } from './crypto-provider.js';
import {
  endWithNewline,
  generateP256KeyPair,
  importP256PrivateKey,
  keyMatchesCertificate,
  privateKeyToPem,
} from './keys.js';
import { randomSerialNumber } from './serial-number.js';
import { commonNameOnly } from './subject-names.js';
import { parseSpiffeId } from '@rampart/core';
import { parseCertificatePem } from './certificate-pem.js';
import { validityWindow } from './validity.js';
import { loadX509 } from './x509-library.js';

const DEFAULT_CA_COMMON_NAME = 'Rampart development CA';
const DEFAULT_CA_VALIDITY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A certificate and its private key, both PEM. `keyPem` is PKCS#8 (a PEM block labelled `PRIVATE KEY`).
 *
 * @example
 * ```ts
 * const { certPem, keyPem }: PemKeyPair = await issueCertificate(ca, { spiffeId });
 * tls.createServer({ cert: certPem, key: keyPem });
 * ```
 */
export interface PemKeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * A certificate authority that can issue workload certificates: its self-signed certificate, its
 * private key, and its name (the certificate's common name). Objects made by {@link createCa} and
 * {@link loadCa} carry parsed internals out of sight; a plain object with valid PEMs works too and is
 * parsed on first use.
 *
 * @example
 * ```ts
 * const ca: CertificateAuthority = await createCa();
 * const trust = ca.certPem; // what peers put in their trust bundle
 * ```
 */
export interface CertificateAuthority extends PemKeyPair {
  readonly name: string;
}

/**
 * Options of {@link createCa}. With both `notBefore` and `notAfter`, the window is exactly that (for
 * tests); otherwise it starts 5 minutes ago and lasts `validityDays`.
 *
 * @example
 * ```ts
 * const options: CreateCaOptions = { commonName: 'Test CA', validityDays: 1 };
 * ```
 */
export interface CreateCaOptions {
  /** Subject common name, 1 to 64 characters. Default `Rampart development CA`. */
  readonly commonName?: string;
  /** Lifetime in days. Default 30. */
  readonly validityDays?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /**
   * The SPIFFE trust domain the CA serves, written as its URI SAN `spiffe://<trust domain>` (as SPIRE's CAs carry):
   * a bundle listing this CA under another trust domain is then refused (see `loadTrustBundles`).
   */
  readonly trustDomain?: string;
  /** How many CAs may stand below this one (basicConstraints `pathlen`). Default 0: it issues workload certificates only. */
  readonly pathLength?: number;
  /** Makes an intermediate CA signed by this CA (whose `pathLength` must allow it) instead of a self-signed root. */
  readonly issuer?: CertificateAuthority;
}

/**
 * What issuing needs, parsed once per CA object.
 *
 * @example
 * ```ts
 * const { cert, nodeCert, signingKey }: CaMaterial = await caMaterial(ca);
 * ```
 */
export interface CaMaterial {
  readonly cert: X509.X509Certificate;
  readonly nodeCert: X509Certificate;
  readonly signingKey: webcrypto.CryptoKey;
}

const materials = new WeakMap<CertificateAuthority, Promise<CaMaterial>>();

/**
 * Creates a self-signed development CA: ECDSA P-256, basicConstraints `CA:true, pathlen:0` (critical; `pathLength`
 * sets it), keyUsage `keyCertSign, cRLSign` (critical), subjectKeyIdentifier, a random positive serial number, and
 * with `trustDomain` the URI SAN `spiffe://<trust domain>`. With `issuer`, an intermediate CA signed by that CA
 * (with an authorityKeyIdentifier); its workload certificates' `chainPem` then carries the intermediate.
 *
 * @throws RangeError for a non-positive `validityDays` or an empty validity window; TypeError for a bad
 *   `commonName` or `trustDomain`.
 *
 * @example
 * ```ts
 * const ca = await createCa({ commonName: 'Rampart test CA', validityDays: 1 });
 * const orders = await issueCertificate(ca, { spiffeId: 'spiffe://demo.rampart.dev/orders' });
 * const root = await createCa({ commonName: 'root', pathLength: 1 });
 * const intermediate = await createCa({ commonName: 'intermediate', issuer: root });
 * ```
 */
export async function createCa(options: CreateCaOptions = {}): Promise<CertificateAuthority> {
  const x509 = await loadX509();
  const name = options.commonName ?? DEFAULT_CA_COMMON_NAME;
  const subject = commonNameOnly(x509, name);
  const { notBefore, notAfter } = validityWindow({
    lifetimeMs: (options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS) * DAY_MS,
    label: 'validityDays',
    notBefore: options.notBefore,
    notAfter: options.notAfter,
  });
  const pathLength = options.pathLength ?? 0;
  if (!Number.isSafeInteger(pathLength) || pathLength < 0) throw new RangeError('createCa: pathLength must be a whole number from 0');
  const keys = await generateP256KeyPair();
  const parent = options.issuer === undefined ? undefined : await caMaterial(options.issuer);
  const extensions = [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto),
    ...(parent === undefined ? [] : [await x509.AuthorityKeyIdentifierExtension.create(parent.cert.publicKey, false, webCrypto)]),
    ...(options.trustDomain === undefined ? [] : [trustDomainName(x509, options.trustDomain)]),
  ];
  const common = { serialNumber: randomSerialNumber(), notBefore, notAfter, signingAlgorithm: EC_P256_SIGNING, extensions };
  const cert =
    parent === undefined
      ? await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys }, webCrypto)
      : await x509.X509CertificateGenerator.create(
          { ...common, subject, issuer: parent.cert.subjectName, publicKey: keys.publicKey, signingKey: parent.signingKey },
          webCrypto,
        );
  const { ca } = await loadCaMaterial(cert.toString('pem'), privateKeyToPem(keys.privateKey));
  return ca;
}

/** The URI SAN `spiffe://<trust domain>` of a CA, after checking the name. */
function trustDomainName(x509: typeof X509, trustDomain: string): X509.SubjectAlternativeNameExtension {
  parseSpiffeId(`spiffe://${trustDomain}/ca`);
  if (trustDomain.includes('/')) throw new TypeError(`createCa: trustDomain ${JSON.stringify(trustDomain)} is not a trust domain name`);
  return new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }], false);
}

/**
 * Loads a CA from PEM: checks that the certificate is a CA certificate and that the private key (PKCS#8,
 * or SEC1 `EC PRIVATE KEY`) is the P-256 key that belongs to it. The returned `keyPem` is PKCS#8. Validity
 * dates are not checked here.
 *
 * @throws TypeError when a PEM does not parse, the certificate is not a CA, or the key does not match.
 *
 * @example
 * ```ts
 * const ca = await loadCa(await readFile('ca.pem', 'utf8'), await readFile('ca-key.pem', 'utf8'));
 * ```
 */
export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const { ca } = await loadCaMaterial(certPem, keyPem);
  return ca;
}

/**
 * The parsed certificate and signing key of a CA, parsed once per CA object.
 *
 * @example
 * ```ts
 * const { signingKey, cert } = await caMaterial(ca);
 * ```
 */
export function caMaterial(ca: CertificateAuthority): Promise<CaMaterial> {
  let material = materials.get(ca);
  if (material === undefined) {
    material = loadCaMaterial(ca.certPem, ca.keyPem).then((loaded) => loaded.material);
    materials.set(ca, material);
    // A failed parse should be retried on the next call rather than cached.
    material.catch(() => materials.delete(ca));
  }
  return material;
}

async function loadCaMaterial(
  certPem: string,
  keyPem: string,
): Promise<{ readonly ca: CertificateAuthority; readonly material: CaMaterial }> {
  const nodeCert = parseCertificatePem(certPem, 'CA certificate');
  if (!nodeCert.ca) {
    throw new TypeError('CA certificate is not a CA certificate (basicConstraints CA:true is missing)');
  }
  const key = await importP256PrivateKey(keyPem, 'CA private key');
  if (!keyMatchesCertificate(key.keyObject, nodeCert)) {
    throw new TypeError('CA private key does not belong to the CA certificate');
  }
  const cert = new (await loadX509()).X509Certificate(nodeCert.raw);
  const material: CaMaterial = { cert, nodeCert, signingKey: key.signingKey };
  const ca: CertificateAuthority = Object.freeze({
    name: cert.subjectName.getField('CN')[0] ?? nodeCert.subject,
    certPem: endWithNewline(nodeCert.toString()),
    keyPem: key.pkcs8Pem,
  });
  materials.set(ca, Promise.resolve(material));
  return { ca, material };
}
