import { isIP } from 'node:net';
import type * as X509 from '@peculiar/x509';

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const MAX_DNS_NAME_LENGTH = 253;
const MAX_COMMON_NAME_LENGTH = 64;

/**
 * The subject alternative names to write into a certificate, in this order.
 *
 * @example
 * ```ts
 * const names: AltNames = { uris: ['spiffe://demo.rampart.dev/orders'], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
 * ```
 */
export interface AltNames {
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/**
 * Checks a DNS name for a SAN: letters, digits and hyphens in dot-separated labels of at most 63
 * characters, at most 253 in all, no trailing dot; a leading `*.` wildcard label is allowed.
 *
 * @throws TypeError naming the bad value.
 *
 * @example
 * ```ts
 * assertDnsName('localhost'); // ok
 * assertDnsName('bad name');  // throws TypeError
 * ```
 */
export function assertDnsName(name: string): void {
  const labels = typeof name === 'string' ? name.split('.') : [];
  const checked = labels[0] === '*' && labels.length > 1 ? labels.slice(1) : labels;
  if (
    typeof name !== 'string' ||
    name.length > MAX_DNS_NAME_LENGTH ||
    checked.length === 0 ||
    !checked.every((label) => DNS_LABEL.test(label))
  ) {
    throw new TypeError(`invalid DNS name ${JSON.stringify(name)}`);
  }
}

/**
 * Checks an IP address (v4 or v6) for a SAN.
 *
 * @throws TypeError naming the bad value.
 *
 * @example
 * ```ts
 * assertIpAddress('127.0.0.1'); // ok
 * assertIpAddress('localhost'); // throws TypeError
 * ```
 */
export function assertIpAddress(address: string): void {
  if (typeof address !== 'string' || isIP(address) === 0) {
    throw new TypeError(`invalid IP address ${JSON.stringify(address)}`);
  }
}

/**
 * Builds the subject alternative name extension, or `undefined` when there are no names at all.
 *
 * @example
 * ```ts
 * const san = altNamesExtension(await loadX509(), { uris: ['spiffe://demo.rampart.dev/orders'], dnsNames: [], ipAddresses: [] });
 * ```
 */
export function altNamesExtension(x509: typeof X509, names: AltNames): X509.SubjectAlternativeNameExtension | undefined {
  const entries: X509.JsonGeneralName[] = [
    ...names.uris.map((value): X509.JsonGeneralName => ({ type: 'url', value })),
    ...names.dnsNames.map((value): X509.JsonGeneralName => ({ type: 'dns', value })),
    ...names.ipAddresses.map((value): X509.JsonGeneralName => ({ type: 'ip', value })),
  ];
  return entries.length === 0 ? undefined : new x509.SubjectAlternativeNameExtension(entries, false);
}

/**
 * A distinguished name holding one common name, written verbatim as a UTF8String (no DN string parsing,
 * so commas, quotes and backslashes are kept as they are).
 *
 * @throws TypeError when the common name is empty or longer than 64 characters.
 *
 * @example
 * ```ts
 * const subject = commonNameOnly(await loadX509(), 'Rampart development CA');
 * ```
 */
export function commonNameOnly(x509: typeof X509, commonName: string): X509.Name {
  if (typeof commonName !== 'string' || commonName.length === 0 || commonName.length > MAX_COMMON_NAME_LENGTH) {
    throw new TypeError(`commonName must be 1 to ${MAX_COMMON_NAME_LENGTH} characters, got ${JSON.stringify(commonName)}`);
  }
  return new x509.Name([{ CN: [{ utf8String: commonName }] }]);
}
