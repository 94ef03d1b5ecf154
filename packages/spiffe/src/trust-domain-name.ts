import { parseSpiffeId } from '@rampart/core';

const SCHEME = 'spiffe://';

/**
 * The trust domain name of a Workload API map key: the specification keys bundles by the trust domain's SPIFFE ID
 * (`spiffe://example.org`); a bare name (`example.org`) is accepted too. Both give `example.org`.
 *
 * @throws Error when the key is not a valid trust domain (by the SPIFFE ID rules: lowercase, no port, no path).
 *
 * @example
 * ```ts
 * trustDomainOfKey('spiffe://partner.example'); // 'partner.example'
 * ```
 */
export function trustDomainOfKey(key: string): string {
  const name = key.startsWith(SCHEME) ? key.slice(SCHEME.length) : key;
  if (name.includes('/') || name === '') throw new Error(`${JSON.stringify(key.slice(0, 120))} is not a trust domain`);
  try {
    parseSpiffeId(`${SCHEME}${name}/_`);
  } catch (error) {
    throw new Error(`${JSON.stringify(key.slice(0, 120))} is not a trust domain (${(error as Error).message})`, { cause: error });
  }
  return name;
}
