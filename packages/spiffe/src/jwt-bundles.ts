import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { trustDomainOfKey } from './trust-domain-name.js';

/**
 * JWT bundles by trust domain name: each a JWK Set of the keys that sign that trust domain's JWT-SVIDs.
 *
 * @example
 * ```ts
 * const keys = bundles.get('demo.rampart.dev')?.keys ?? [];
 * ```
 */
export type JwtBundles = ReadonlyMap<string, JSONWebKeySet>;

/** The fields of a `JWTBundlesResponse`. */
export interface JwtBundlesResponseMessage {
  readonly bundles: Readonly<Record<string, Uint8Array>>;
}

/**
 * Parses a `JWTBundlesResponse`: per trust domain (keyed `spiffe://td` or `td`) a JWK Set (JSON) whose every key has
 * a `kid` (the JWT-SVID specification requires it to pick the key) and is a public key node:crypto can import. Keys
 * with a `use` other than `jwt-svid` (an `x509-svid` authority in a SPIFFE bundle) are left out.
 *
 * @throws Error naming the trust domain and the problem.
 *
 * @example
 * ```ts
 * const bundles = parseJwtBundles(message);
 * bundles.get('demo.rampart.dev');
 * ```
 */
export function parseJwtBundles(message: JwtBundlesResponseMessage): JwtBundles {
  const bundles = new Map<string, JSONWebKeySet>();
  for (const [key, json] of Object.entries(message.bundles)) {
    const domain = trustDomainOfKey(key);
    if (bundles.has(domain)) throw new Error(`the JWT bundles name trust domain ${domain} twice`);
    bundles.set(domain, parseJwkSet(Buffer.from(json).toString('utf8'), domain));
  }
  if (bundles.size === 0) throw new Error('the JWT bundles response holds no bundle');
  return bundles;
}

function parseJwkSet(text: string, domain: string): JSONWebKeySet {
  const fail = (problem: string): never => {
    throw new Error(`the JWT bundle of ${domain} is refused: ${problem}`);
  };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    fail('it is not JSON');
  }
  const keys = isRecord(document) ? document['keys'] : undefined;
  if (!Array.isArray(keys)) return fail('it is not a JWK Set (no "keys" array)');
  const kept: JSONWebKeySet['keys'] = [];
  const kids = new Set<string>();
  keys.forEach((key: unknown, index) => {
    if (!isRecord(key)) return fail(`keys[${index}] is not an object`);
    if (key['use'] !== undefined && key['use'] !== 'jwt-svid') return;
    const kid = key['kid'];
    if (typeof kid !== 'string' || kid === '') return fail(`keys[${index}] has no kid`);
    if (kids.has(kid)) return fail(`kid ${JSON.stringify(kid.slice(0, 80))} appears twice`);
    if ('d' in key) return fail(`keys[${index}] is a private key`);
    try {
      createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
    } catch (error) {
      return fail(`keys[${index}] is not a usable public key (${(error as Error).message})`);
    }
    kids.add(kid);
    kept.push(Object.freeze({ ...key }));
  });
  return Object.freeze({ keys: Object.freeze(kept) as JSONWebKeySet['keys'] });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
