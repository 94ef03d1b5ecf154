import { parseAllowEntry } from './allow-entry.js';

/**
 * A compiled `@RequireMtls` rule: which client SPIFFE IDs may call. Built once, at decoration time, so that a call
 * pays only for two `Set` lookups and a short scan of prefixes. Treat it as opaque; read it with
 * {@link describeMtlsRule} and check peers with {@link checkMtls}.
 *
 * @example
 * ```ts
 * const rule: MtlsRule = compileMtlsRule(['spiffe://demo.rampart.dev/orders']);
 * rule.allow; // ['spiffe://demo.rampart.dev/orders']
 * ```
 */
export interface MtlsRule {
  /** The entries as written, in order. Empty: any SPIFFE ID whose certificate chains to the trust bundle. */
  readonly allow: readonly string[];
  /** Exact workload IDs. */
  readonly ids: ReadonlySet<string>;
  /** Whole trust domains, by name (`prod.example`). */
  readonly trustDomains: ReadonlySet<string>;
  /** Path prefixes, each ending in `/` (`spiffe://prod.example/ns/payments/`). */
  readonly prefixes: readonly string[];
}

/**
 * Validates `allow` entries and compiles them into an {@link MtlsRule}. An entry is an exact SPIFFE ID, a trust
 * domain (`spiffe://prod.example`: any workload in it), or a path prefix (`spiffe://prod.example/ns/payments/*`:
 * any workload below `/ns/payments/`, not `/ns/payments` itself). No entries: any valid SPIFFE ID.
 *
 * @throws TypeError naming the first invalid entry and what is wrong with it.
 *
 * @example
 * ```ts
 * const rule = compileMtlsRule(['spiffe://prod.example/ns/payments/*', 'spiffe://ops.example']);
 * compileMtlsRule(['spiffe://Prod.example/api']); // throws TypeError: invalid mTLS allow entry "spiffe://Prod…
 * ```
 */
export function compileMtlsRule(allow: readonly string[] = []): MtlsRule {
  const entries: readonly unknown[] = allow;
  if (!Array.isArray(entries)) {
    throw new TypeError('mTLS `allow` must be an array of SPIFFE IDs, trust domains or "/*" prefixes');
  }
  const ids = new Set<string>();
  const trustDomains = new Set<string>();
  const prefixes = new Set<string>();
  for (const entry of entries) {
    const parsed = parseAllowEntry(entry);
    if (parsed.type === 'id') ids.add(parsed.value);
    else if (parsed.type === 'trustDomain') trustDomains.add(parsed.value);
    else prefixes.add(parsed.value);
  }
  return Object.freeze({
    allow: Object.freeze(allow.slice()),
    ids,
    trustDomains,
    prefixes: Object.freeze([...prefixes]),
  });
}
