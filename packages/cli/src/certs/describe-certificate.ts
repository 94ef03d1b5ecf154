import { X509Certificate } from 'node:crypto';
import { parseSpiffeId } from '@rampart/core';
import { thumbprintOfDer } from '@rampart/pki';
import { CliError } from '../io.js';

/**
 * What `rampart certs show` prints about a certificate.
 *
 * @example
 * ```ts
 * const info: CertificateInfo = describeCertificate(pem, 'orders.pem');
 * info.spiffeId; // 'spiffe://demo.rampart.dev/orders'
 * ```
 */
export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** The single `spiffe://` URI SAN of a leaf certificate (X.509-SVID rules), when valid. */
  readonly spiffeId: string | undefined;
  readonly notBefore: string;
  readonly notAfter: string;
  /** `valid`, `expired` or `not yet valid`, by this machine's clock. */
  readonly status: 'valid' | 'expired' | 'not yet valid';
  readonly isCa: boolean;
  readonly keyUsage: readonly string[];
  /** base64url SHA-256 of the DER: the RFC 8705 `x5t#S256` value a bound token carries. */
  readonly thumbprint: string;
  /** How many certificates the file holds (a chain file: leaf first). */
  readonly certificatesInFile: number;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The subject alternative names of a certificate, from Node's `subjectAltName` text.
 *
 * @example
 * ```ts
 * altNames('URI:spiffe://demo.rampart.dev/orders, DNS:localhost, IP Address:127.0.0.1');
 * // { uris: ['spiffe://demo.rampart.dev/orders'], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }
 * ```
 */
export function altNames(text: string | undefined): { uris: string[]; dnsNames: string[]; ipAddresses: string[] } {
  const names = { uris: [] as string[], dnsNames: [] as string[], ipAddresses: [] as string[] };
  const entry = /(URI|DNS|IP Address|email|DirName|othername|Registered ID):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/g;
  for (const match of (text ?? '').matchAll(entry)) {
    const raw = match[2] ?? '';
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    if (match[1] === 'URI') names.uris.push(value);
    else if (match[1] === 'DNS') names.dnsNames.push(value);
    else if (match[1] === 'IP Address') names.ipAddresses.push(value);
  }
  return names;
}

/**
 * Parses the first certificate of a PEM file and describes it.
 *
 * @throws CliError when the text holds no parsable certificate (`where` names the file).
 *
 * @example
 * ```ts
 * describeCertificate(readFileSync('.rampart/pki/orders.pem', 'utf8'), 'orders.pem').thumbprint;
 * ```
 */
export function describeCertificate(pem: string, where: string, now = new Date()): CertificateInfo {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(blocks[0] ?? pem);
  } catch (error) {
    throw new CliError(`${where} holds no PEM certificate (${error instanceof Error ? error.message : String(error)})`);
  }
  const names = altNames(cert.subjectAltName);
  let spiffeId: string | undefined;
  if (names.uris.length === 1 && !cert.ca) {
    try {
      parseSpiffeId(names.uris[0] as string);
      spiffeId = names.uris[0];
    } catch {
      spiffeId = undefined;
    }
  }
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber,
    ...names,
    spiffeId,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    status: now < notBefore ? 'not yet valid' : now > notAfter ? 'expired' : 'valid',
    isCa: cert.ca,
    keyUsage: cert.keyUsage ?? [],
    thumbprint: thumbprintOfDer(new Uint8Array(cert.raw)),
    certificatesInFile: Math.max(blocks.length, 1),
  };
}

/**
 * The human-readable form of {@link describeCertificate}'s result, one `label: value` per line.
 *
 * @example
 * ```ts
 * io.out(formatCertificate(info, new Date()));
 * ```
 */
export function formatCertificate(info: CertificateInfo, now = new Date()): string {
  const left = (iso: string): string => {
    const ms = new Date(iso).getTime() - now.getTime();
    const hours = Math.abs(ms) / 3_600_000;
    const span = hours >= 48 ? `${Math.round(hours / 24)} days` : `${hours.toFixed(1)} hours`;
    return ms >= 0 ? `in ${span}` : `${span} ago`;
  };
  const rows: [string, string][] = [
    ['subject', info.subject],
    ['issuer', info.issuer],
    ['serial', info.serialNumber],
    ['SPIFFE ID', info.spiffeId ?? (info.isCa ? '(none: a CA certificate)' : '(none: not an X.509-SVID)')],
    ['URI SANs', info.uris.join(', ') || '-'],
    ['DNS SANs', info.dnsNames.join(', ') || '-'],
    ['IP SANs', info.ipAddresses.join(', ') || '-'],
    ['not before', `${info.notBefore} (${left(info.notBefore)})`],
    ['not after', `${info.notAfter} (${left(info.notAfter)})`],
    ['status', info.status],
    ['CA', info.isCa ? 'yes' : 'no'],
    ['x5t#S256', info.thumbprint],
  ];
  if (info.keyUsage.length > 0) rows.push(['extended key usage', info.keyUsage.join(', ')]);
  if (info.certificatesInFile > 1) rows.push(['file', `a chain of ${info.certificatesInFile} certificates; shown: the first`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join('');
}
