const SCHEME_PREFIX = 'spiffe://';
const MAX_ID_LENGTH = 2048;
const MAX_TRUST_DOMAIN_LENGTH = 255;
const TRUST_DOMAIN_CHARS = /^[a-z0-9._-]+$/;
const PATH_SEGMENT_CHARS = /^[A-Za-z0-9._-]+$/;
/** How much of a refused ID a message quotes: IDs come from peers' certificates too, and messages go into logs. */
const QUOTED_ID_MAX = 120;

/**
 * The parts of a workload SPIFFE ID.
 *
 * @example
 * ```ts
 * const parts: SpiffeIdParts = { trustDomain: 'demo.rampart.dev', path: '/orders' };
 * ```
 */
export interface SpiffeIdParts {
  /** The trust domain name, lowercase, e.g. `demo.rampart.dev`. */
  readonly trustDomain: string;
  /** The path, starting with `/`, e.g. `/ns/prod/orders`. */
  readonly path: string;
}

/**
 * Parses and validates a workload SPIFFE ID (`spiffe://<trust-domain>/<path>`), following the SPIFFE ID
 * specification: scheme `spiffe`, a lowercase trust domain of `[a-z0-9._-]` (so no port, no userinfo), a
 * non-empty path of segments made of `[A-Za-z0-9._-]` (no empty, `.` or `..` segments, no trailing slash,
 * no percent-encoding), and no query or fragment. A bare trust domain ID (`spiffe://example.org`) is
 * refused because it does not name a workload.
 *
 * @throws TypeError naming the offending ID (its first 120 characters) and the rule it breaks.
 *
 * @example
 * ```ts
 * parseSpiffeId('spiffe://demo.rampart.dev/orders');
 * // → { trustDomain: 'demo.rampart.dev', path: '/orders' }
 * parseSpiffeId('spiffe://Demo.Rampart.dev/orders'); // throws TypeError: trust domain must be lowercase…
 * ```
 */
export function parseSpiffeId(id: string): SpiffeIdParts {
  if (typeof id !== 'string') {
    throw new TypeError(`invalid SPIFFE ID ${describe(id)}: expected a string`);
  }
  const fail = (reason: string): never => {
    throw new TypeError(`invalid SPIFFE ID ${quoteId(id)}: ${reason}`);
  };
  if (id.length > MAX_ID_LENGTH) {
    fail(`longer than ${MAX_ID_LENGTH} characters`);
  }
  if (!id.startsWith(SCHEME_PREFIX)) {
    fail(`must start with "${SCHEME_PREFIX}" (lowercase scheme)`);
  }
  const rest = id.slice(SCHEME_PREFIX.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);

  if (trustDomain === '') {
    fail('trust domain is empty');
  }
  if (trustDomain.length > MAX_TRUST_DOMAIN_LENGTH) {
    fail(`trust domain is longer than ${MAX_TRUST_DOMAIN_LENGTH} characters`);
  }
  if (!TRUST_DOMAIN_CHARS.test(trustDomain)) {
    fail(
      'trust domain may only contain lowercase letters, digits, ".", "-" and "_" ' +
        '(no uppercase, port, userinfo, query or fragment)',
    );
  }
  if (path === '' || path === '/') {
    fail('path is empty: a workload ID needs a path such as "/orders"');
  }
  if (path.endsWith('/')) {
    fail('path must not end with "/"');
  }
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') {
      fail('path contains an empty segment ("//")');
    }
    if (segment === '.' || segment === '..') {
      fail('path must not contain "." or ".." segments');
    }
    if (!PATH_SEGMENT_CHARS.test(segment)) {
      fail(
        'path segments may only contain letters, digits, ".", "-" and "_" ' +
          '(no percent-encoding, query or fragment)',
      );
    }
  }
  return { trustDomain, path };
}

/**
 * Builds a workload SPIFFE ID from a trust domain and a path, and validates the result.
 *
 * @throws TypeError when the result is not a valid workload SPIFFE ID (see {@link parseSpiffeId}).
 *
 * @example
 * ```ts
 * formatSpiffeId('demo.rampart.dev', '/orders'); // 'spiffe://demo.rampart.dev/orders'
 * ```
 */
export function formatSpiffeId(trustDomain: string, path: string): string {
  const id = `${SCHEME_PREFIX}${trustDomain}${path}`;
  parseSpiffeId(id);
  return id;
}

function quoteId(id: string): string {
  return JSON.stringify(id.length > QUOTED_ID_MAX ? `${id.slice(0, QUOTED_ID_MAX)}…` : id);
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
