import { JWT_SVID_ALGORITHMS, type TrustDomainConfig } from './jwt-svid-types.js';
import { trustDomainProblem } from './trust-domain-registry.js';

const KEYS = new Set(['trustDomain', 'bundleFile', 'bundleUri', 'oidcDiscovery', 'jwksHosts', 'workloadApi', 'audience', 'algorithms']);
const SOURCES = ['bundleFile', 'bundleUri', 'oidcDiscovery', 'workloadApi'] as const;

/** An entry of `auth.tokens.trustDomains`: a trust domain as config can give it (no inline keys). */
export type ConfiguredTrustDomain = Omit<TrustDomainConfig, 'bundle'>;

/**
 * convict format of `auth.tokens.trustDomains`: a list of `{ trustDomain, bundleFile? | bundleUri? |
 * oidcDiscovery? | workloadApi?: true, jwksHosts?, audience?, algorithms? }`, exactly one key source each. The
 * verifier checks the rest (URLs, duplicates, a Workload API source) when it is built.
 *
 * @example
 * ```ts
 * trustDomainList([{ trustDomain: 'example.org', bundleFile: '/run/spire/bundle.json' }]); // passes
 * trustDomainList([{ trustDomain: 'spiffe://example.org' }]); // throws: entry 0: write the bare trust domain name…
 * ```
 */
export function trustDomainList(value: unknown): asserts value is readonly ConfiguredTrustDomain[] {
  if (!Array.isArray(value)) throw new Error('must be a JSON array of trust domain objects');
  value.forEach((entry: unknown, i) => {
    const at = `entry ${i}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${at} must be an object`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!KEYS.has(key)) throw new Error(`${at}: unknown key "${key}" (known: ${[...KEYS].join(', ')})`);
    }
    if (typeof e.trustDomain !== 'string') throw new Error(`${at}: "trustDomain" must be a trust domain name, e.g. "example.org"`);
    const problem = trustDomainProblem(e.trustDomain);
    if (problem !== undefined) throw new Error(`${at} (${JSON.stringify(e.trustDomain)}): ${problem}`);
    for (const key of ['bundleFile', 'bundleUri', 'oidcDiscovery'] as const) {
      if (e[key] !== undefined && (typeof e[key] !== 'string' || e[key] === '')) throw new Error(`${at}: "${key}" must be a non-empty string`);
    }
    for (const key of ['bundleUri', 'oidcDiscovery'] as const) {
      if (e[key] !== undefined && !URL.canParse(e[key] as string)) throw new Error(`${at}: "${key}" must be an absolute URL`);
    }
    if (e.workloadApi !== undefined && e.workloadApi !== true) throw new Error(`${at}: "workloadApi" must be true (or left out)`);
    const sources = SOURCES.filter((key) => e[key] !== undefined);
    if (sources.length !== 1) {
      const got = sources.length === 0 ? 'none' : sources.join(', ');
      throw new Error(`${at}: give exactly one of bundleFile, bundleUri, oidcDiscovery, workloadApi: true (got ${got})`);
    }
    const hosts = e.jwksHosts;
    if (hosts !== undefined && !(Array.isArray(hosts) && hosts.every((h) => typeof h === 'string' && h !== ''))) {
      throw new Error(`${at}: "jwksHosts" must be a list of host names (host or host:port)`);
    }
    const aud = e.audience;
    if (aud !== undefined && !(typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string')))) {
      throw new Error(`${at}: "audience" must be a string or a list of strings`);
    }
    const algs = e.algorithms;
    const allowed: readonly string[] = JWT_SVID_ALGORITHMS;
    if (algs !== undefined && !(Array.isArray(algs) && algs.length > 0 && algs.every((a) => typeof a === 'string' && allowed.includes(a)))) {
      throw new Error(`${at}: "algorithms" must be a non-empty list of ${JWT_SVID_ALGORITHMS.join(', ')} (JWT-SVID algorithms)`);
    }
  });
}
