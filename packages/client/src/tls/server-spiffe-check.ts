import { parseSpiffeId } from '@rampart/core';
import type { PeerCertificate } from 'node:tls';
import { isSpiffeId } from './spiffe-id-of-certificate.js';
import { uriSansOf } from './subject-alt-names.js';

/** How much of an unexpected (server-chosen) value an error message may quote. */
const MAX_QUOTED_LENGTH = 200;
const MAX_QUOTED_URIS = 3;

/**
 * A `checkServerIdentity` callback for Node's TLS that replaces the hostname check with a check of the
 * server's SPIFFE ID: the certificate must carry exactly one URI SAN, equal to `expected` (exact comparison).
 * Node calls it only after the chain verified against the trust bundle. On a mismatch it returns an Error
 * whose message says what was expected and what was presented.
 *
 * @throws TypeError naming `expectedServerId` when `expected` is not a valid workload SPIFFE ID.
 *
 * @example
 * ```ts
 * const check = serverSpiffeIdCheck('spiffe://demo.rampart.dev/inventory');
 * check('127.0.0.1', peerCertificate);
 * // → Error('server identity mismatch: expected spiffe://demo.rampart.dev/inventory, got spiffe://demo.rampart.dev/orders')
 * ```
 */
export function serverSpiffeIdCheck(expected: string): (hostname: string, cert: PeerCertificate) => Error | undefined {
  try {
    parseSpiffeId(expected);
  } catch (error) {
    throw new TypeError(`expectedServerId: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return (_hostname, cert) => {
    const uris = uriSansOf(cert);
    const presented = uris?.length === 1 ? uris[0] : undefined;
    if (presented !== undefined && isSpiffeId(presented) && presented === expected) return undefined;
    return new Error(`server identity mismatch: expected ${expected}, got ${describePresented(uris)}`);
  };
}

function describePresented(uris: string[] | undefined): string {
  if (uris === undefined) return 'a certificate whose subject alternative names could not be read';
  if (uris.length === 0) return 'no SPIFFE ID (the certificate has no URI SAN)';
  if (uris.length > 1) {
    const shown = uris.slice(0, MAX_QUOTED_URIS).map(quote).join(', ');
    const more = uris.length > MAX_QUOTED_URIS ? ', …' : '';
    return `${uris.length} URI SANs (${shown}${more}); an X.509-SVID carries exactly one`;
  }
  const [uri] = uris as [string];
  return isSpiffeId(uri) ? uri : `${quote(uri)}, which is not a valid SPIFFE ID`;
}

function quote(value: string): string {
  const cut = value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value;
  return JSON.stringify(cut);
}
