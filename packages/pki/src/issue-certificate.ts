import { type webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { caMaterial, type CaMaterial, type CertificateAuthority, type PemKeyPair } from './certificate-authority.js';
import { EC_P256_SIGNING, webCrypto } from './crypto-provider.js';
import { endWithNewline, generateP256KeyPair, privateKeyToPem } from './keys.js';
import { randomSerialNumber } from './serial-number.js';
import { parseSpiffeId } from '@rampart/core';
import { altNamesExtension, assertDnsName, assertIpAddress, commonNameOnly, type AltNames } from './subject-names.js';
import { thumbprintOfDer } from './thumbprint.js';
import { validityWindow, type ValidityWindow } from './validity.js';
import { loadX509 } from './x509-library.js';

const DEFAULT_VALIDITY_HOURS = 24;
const HOUR_MS = 60 * 60 * 1000;
const FALLBACK_COMMON_NAME = 'rampart workload';
const MAX_DEFAULT_COMMON_NAME_LENGTH = 64;

/**
 * What a workload certificate is for: `server` (TLS server auth), `client` (TLS client auth) or `both`.
 *
 * @example
 * ```ts
 * const usage: CertificateUsage = 'server';
 * ```
 */
export type CertificateUsage = 'server' | 'client' | 'both';

/**
 * Options of {@link issueCertificate}.
 *
 * Normal use names the workload with `spiffeId` (one URI SAN, validated) and, for servers reached by
 * clients that check host names, adds `dnsNames` (`localhost`) and `ipAddresses` (`127.0.0.1`). At least
 * one name is required.
 *
 * Validity: by default from 5 minutes ago (clock skew) for `validityHours`, cut short at the CA's own
 * expiry. With both `notBefore` and `notAfter` the window is exactly that, even in the past or the future
 * (for tests of expired and not-yet-valid certificates).
 *
 * @example
 * ```ts
 * const options: IssueOptions = {
 *   spiffeId: 'spiffe://demo.rampart.dev/inventory',
 *   dnsNames: ['localhost'],
 *   ipAddresses: ['127.0.0.1'],
 *   usage: 'server',
 * };
 * ```
 */
export interface IssueOptions {
  /** The workload's SPIFFE ID, written as the one URI SAN; validated with `parseSpiffeId` (`@rampart/core`). */
  readonly spiffeId?: string;
  /** DNS SANs, e.g. `['localhost']`. */
  readonly dnsNames?: readonly string[];
  /** IP SANs, v4 or v6, e.g. `['127.0.0.1', '::1']`. */
  readonly ipAddresses?: readonly string[];
  /** Extended key usage. Default `both` (serverAuth and clientAuth). */
  readonly usage?: CertificateUsage;
  /** Lifetime in hours. Default 24. */
  readonly validityHours?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Subject common name, 1 to 64 characters. Default: the last segment of the SPIFFE ID's path. */
  readonly commonName?: string;
  /**
   * TESTING ONLY: the exact URI SANs to write, bypassing SPIFFE ID validation: `[]` for none, two URIs,
   * or malformed ones, to check that peers refuse them. Cannot be combined with `spiffeId`. Never use it
   * to issue certificates for real workloads.
   */
  readonly unsafeUris?: readonly string[];
}

/**
 * An issued workload certificate with its fresh private key (PKCS#8), the chain to present in TLS (leaf
 * then CA), its RFC 8705 `x5t#S256` thumbprint and its validity.
 *
 * @example
 * ```ts
 * const issued: IssuedCertificate = await issueCertificate(ca, { spiffeId });
 * tls.createServer({ key: issued.keyPem, cert: issued.chainPem, ca: ca.certPem });
 * ```
 */
export interface IssuedCertificate extends PemKeyPair {
  /** The certificate followed by the CA certificate, PEM. */
  readonly chainPem: string;
  /** base64url SHA-256 of the certificate's DER (RFC 8705 `x5t#S256`). */
  readonly thumbprint: string;
  /** Serial number, hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Issues an ECDSA P-256 workload certificate (X.509-SVID style) signed by the CA: the SPIFFE ID as the
 * only URI SAN, optional DNS and IP SANs, basicConstraints `CA:false` (critical), keyUsage
 * `digitalSignature` (critical), extendedKeyUsage serverAuth and/or clientAuth, subject and authority key
 * identifiers, a random positive serial number.
 *
 * @throws TypeError for an invalid SPIFFE ID, DNS name, IP address, usage or common name, or when no name
 *   is given; RangeError for a bad validity.
 *
 * @example
 * ```ts
 * const ca = await createCa();
 * const server = await issueCertificate(ca, {
 *   spiffeId: 'spiffe://demo.rampart.dev/inventory',
 *   dnsNames: ['localhost'],
 *   ipAddresses: ['127.0.0.1'],
 *   usage: 'server',
 * });
 * ```
 */
export async function issueCertificate(ca: CertificateAuthority, options: IssueOptions): Promise<IssuedCertificate> {
  const names = checkedAltNames(options);
  const usage = checkedUsage(options.usage ?? 'both');
  const x509 = await loadX509();
  const usages = extendedKeyUsages(x509, usage);
  const subject = commonNameOnly(x509, options.commonName ?? defaultCommonName(options));
  const material = await caMaterial(ca);
  const window = leafValidity(options, material);
  const keys = await generateP256KeyPair();
  const extensions = await leafExtensions(x509, names, usages, keys.publicKey, material);

  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject,
      issuer: material.cert.subjectName,
      notBefore: window.notBefore,
      notAfter: window.notAfter,
      publicKey: keys.publicKey,
      signingKey: material.signingKey,
      signingAlgorithm: EC_P256_SIGNING,
      extensions,
    },
    webCrypto,
  );
  const certPem = endWithNewline(cert.toString('pem'));
  return Object.freeze({
    certPem,
    keyPem: privateKeyToPem(keys.privateKey),
    chainPem: certPem + endWithNewline(material.nodeCert.toString()),
    thumbprint: thumbprintOfDer(new Uint8Array(cert.rawData)),
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  });
}

function checkedAltNames(options: IssueOptions): AltNames {
  const dnsNames = [...(options.dnsNames ?? [])];
  const ipAddresses = [...(options.ipAddresses ?? [])];
  dnsNames.forEach(assertDnsName);
  ipAddresses.forEach(assertIpAddress);
  if (options.unsafeUris !== undefined) {
    if (options.spiffeId !== undefined) {
      throw new TypeError('issueCertificate: give either spiffeId or unsafeUris, not both');
    }
    const uris = [...options.unsafeUris];
    if (!uris.every((uri) => typeof uri === 'string')) {
      throw new TypeError('issueCertificate: unsafeUris must be strings');
    }
    return { uris, dnsNames, ipAddresses };
  }
  const uris: string[] = [];
  if (options.spiffeId !== undefined) {
    parseSpiffeId(options.spiffeId);
    uris.push(options.spiffeId);
  }
  if (uris.length + dnsNames.length + ipAddresses.length === 0) {
    throw new TypeError('issueCertificate: give a spiffeId (or at least a DNS name or an IP address)');
  }
  return { uris, dnsNames, ipAddresses };
}

function checkedUsage(usage: unknown): CertificateUsage {
  if (usage === 'server' || usage === 'client' || usage === 'both') return usage;
  throw new TypeError(`issueCertificate: usage must be 'server', 'client' or 'both', got ${JSON.stringify(usage)}`);
}

function extendedKeyUsages(x509: typeof X509, usage: CertificateUsage): string[] {
  switch (usage) {
    case 'server':
      return [x509.ExtendedKeyUsage.serverAuth];
    case 'client':
      return [x509.ExtendedKeyUsage.clientAuth];
    case 'both':
      return [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth];
  }
}

function defaultCommonName(options: IssueOptions): string {
  const fromSpiffeId = options.spiffeId?.split('/').pop();
  const name = fromSpiffeId ?? options.dnsNames?.[0] ?? options.ipAddresses?.[0] ?? FALLBACK_COMMON_NAME;
  return name.slice(0, MAX_DEFAULT_COMMON_NAME_LENGTH) || FALLBACK_COMMON_NAME;
}

function leafValidity(options: IssueOptions, material: CaMaterial): ValidityWindow {
  const window = validityWindow({
    lifetimeMs: (options.validityHours ?? DEFAULT_VALIDITY_HOURS) * HOUR_MS,
    label: 'validityHours',
    notBefore: options.notBefore,
    notAfter: options.notAfter,
  });
  if (options.notAfter !== undefined || window.notAfter <= material.cert.notAfter) {
    return window;
  }
  // A default window never outlives the CA.
  if (material.cert.notAfter <= window.notBefore) {
    throw new RangeError(`the CA "${material.cert.subject}" expired on ${material.cert.notAfter.toISOString()}`);
  }
  return { notBefore: window.notBefore, notAfter: material.cert.notAfter };
}

async function leafExtensions(
  x509: typeof X509,
  names: AltNames,
  usages: string[],
  publicKey: webcrypto.CryptoKey,
  material: CaMaterial,
): Promise<X509.Extension[]> {
  const caKeyId = material.cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(usages, false),
    await x509.SubjectKeyIdentifierExtension.create(publicKey, false, webCrypto),
    caKeyId === undefined
      ? await x509.AuthorityKeyIdentifierExtension.create(material.cert.publicKey, false, webCrypto)
      : new x509.AuthorityKeyIdentifierExtension(caKeyId, false),
  ];
  const san = altNamesExtension(x509, names);
  if (san !== undefined) {
    extensions.push(san);
  }
  return extensions;
}
