import { parseSpiffeId } from '@rampart/core';

const SCHEME = 'spiffe://';
const PREFIX_SUFFIX = '/*';

/** One `allow` entry of `@RequireMtls`, classified and validated. */
export type AllowEntry =
  /** An exact workload ID, e.g. `spiffe://prod.example/ns/payments/api`. */
  | { readonly type: 'id'; readonly value: string }
  /** A whole trust domain (its name only, e.g. `prod.example`). */
  | { readonly type: 'trustDomain'; readonly value: string }
  /** A path prefix, stored with its trailing `/`, e.g. `spiffe://prod.example/ns/payments/`. */
  | { readonly type: 'prefix'; readonly value: string };

/**
 * Classifies and validates one `allow` entry: an exact SPIFFE ID, a trust domain (`spiffe://prod.example`), or a
 * path prefix ending in `/*`. `spiffe://prod.example/*` is the same as the trust domain.
 *
 * @throws TypeError naming the entry and what is wrong with it.
 */
export function parseAllowEntry(entry: unknown): AllowEntry {
  if (typeof entry !== 'string') {
    throw invalid(entry, `expected a string, got ${entry === null ? 'null' : typeof entry}`);
  }
  if (entry === '') throw invalid(entry, 'entry is empty');
  if (!entry.startsWith(SCHEME)) throw invalid(entry, `must start with "${SCHEME}" (lowercase scheme)`);
  if (entry.includes('?') || entry.includes('#')) throw invalid(entry, 'must not contain a query or fragment');

  const isPrefix = entry.endsWith(PREFIX_SUFFIX);
  const base = isPrefix ? entry.slice(0, -PREFIX_SUFFIX.length) : entry;
  if (base.includes('*')) {
    throw invalid(entry, '"*" is only allowed as a trailing "/*" (e.g. "spiffe://prod.example/ns/payments/*")');
  }
  if (!base.includes('/', SCHEME.length)) {
    // A bare trust domain: validate it as the trust domain of a workload ID.
    const probe = `${base}/workload`;
    validate(entry, probe);
    return { type: 'trustDomain', value: base.slice(SCHEME.length) };
  }
  validate(entry, base);
  return isPrefix ? { type: 'prefix', value: `${base}/` } : { type: 'id', value: base };
}

function validate(entry: string, id: string): void {
  try {
    parseSpiffeId(id);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = `invalid SPIFFE ID ${JSON.stringify(id)}: `;
    const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    throw invalid(entry, reason, error);
  }
}

function invalid(entry: unknown, reason: string, cause?: unknown): TypeError {
  const shown = typeof entry === 'string' ? JSON.stringify(entry) : String(entry);
  return new TypeError(`invalid mTLS allow entry ${shown}: ${reason}`, cause === undefined ? undefined : { cause });
}
