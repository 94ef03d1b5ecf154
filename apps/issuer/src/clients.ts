import { parseSpiffeId, RampartError } from '@rampart/core';

/**
 * One workload allowed to get tokens, as written in config (`issuer.clients`).
 *
 * @example
 * ```ts
 * const orders: IssuerClientConfig = {
 *   client_id: 'orders',
 *   spiffe_id: 'spiffe://demo.rampart.dev/orders',
 *   resources: { 'spiffe://demo.rampart.dev/inventory': ['inventory:read', 'inventory:reserve'] },
 *   exchange: { audiences: ['spiffe://demo.rampart.dev/inventory'] },
 * };
 * ```
 */
export interface IssuerClientConfig {
  /** The OAuth client ID the workload sends as `client_id`. */
  readonly client_id: string;
  /** The SPIFFE ID its certificate must carry as its one URI SAN (`tls_client_auth_san_uri`). */
  readonly spiffe_id: string;
  /**
   * The audience tokens for this workload carry (the resource indicator callers ask for). Only token exchange
   * reads it: a subject token must name it. Default: `spiffe_id`.
   */
  readonly audience?: string;
  /** Resource indicator (an absolute URI, used as `aud`) → the scopes this client may get for it. */
  readonly resources: Readonly<Record<string, readonly string[]>>;
  /** Token exchange (RFC 8693): the audiences this client may exchange a caller's token for. */
  readonly exchange?: { readonly audiences: readonly string[] };
}

/**
 * A validated client: what the issuer checks token requests against.
 *
 * @example
 * ```ts
 * const [orders] = parseClients(config.get('issuer.clients'));
 * orders.resources.get('spiffe://demo.rampart.dev/inventory'); // Set { 'inventory:read', ... }
 * ```
 */
export interface ClientPolicy {
  readonly clientId: string;
  readonly spiffeId: string;
  readonly audience: string;
  readonly resources: ReadonlyMap<string, ReadonlySet<string>>;
  readonly exchangeAudiences: ReadonlySet<string>;
}

const CLIENT_KEYS = new Set(['client_id', 'spiffe_id', 'audience', 'resources', 'exchange']);
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** RFC 6749 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Validates the `issuer.clients` list and turns it into policies. Every problem is reported at once, each with
 * the entry it is in.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` listing every problem.
 *
 * @example
 * ```ts
 * const policies = parseClients(JSON.parse(process.env.RAMPART_ISSUER_CLIENTS ?? '[]'));
 * ```
 */
export function parseClients(input: unknown): ClientPolicy[] {
  const problems: string[] = [];
  if (!Array.isArray(input)) {
    throw new RampartError('ERR_CONFIG_INVALID', 'issuer.clients must be a JSON array of client objects');
  }
  const policies: ClientPolicy[] = [];
  const ids = new Set<string>();
  const spiffeIds = new Set<string>();
  input.forEach((entry: unknown, index) => {
    const at = `issuer.clients[${index}]`;
    const policy = parseClient(entry, at, problems);
    const { client_id: id, spiffe_id: spiffeId } = isRecord(entry) ? entry : {};
    if (typeof id === 'string' && ids.has(id)) problems.push(`${at}: client_id "${id}" is used twice`);
    if (typeof spiffeId === 'string' && spiffeIds.has(spiffeId)) problems.push(`${at}: spiffe_id "${spiffeId}" is used twice`);
    if (typeof id === 'string') ids.add(id);
    if (typeof spiffeId === 'string') spiffeIds.add(spiffeId);
    if (policy !== undefined) policies.push(policy);
  });
  if (problems.length > 0) {
    throw new RampartError('ERR_CONFIG_INVALID', `issuer clients are invalid:\n- ${problems.join('\n- ')}`);
  }
  return policies;
}

function parseClient(entry: unknown, at: string, problems: string[]): ClientPolicy | undefined {
  if (!isRecord(entry)) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(entry)) {
    if (!CLIENT_KEYS.has(key)) problems.push(`${at}: unknown key "${key}" (known: ${[...CLIENT_KEYS].join(', ')})`);
  }
  const clientId = entry['client_id'];
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
    problems.push(`${at}.client_id must be 1-128 letters, digits, ".", "_", ":" or "-"`);
  }
  const spiffeId = entry['spiffe_id'];
  if (typeof spiffeId !== 'string' || !isSpiffeId(spiffeId)) {
    problems.push(`${at}.spiffe_id must be a valid SPIFFE ID (spiffe://<trust-domain>/<path>)`);
  }
  const audience = entry['audience'] ?? spiffeId;
  if (entry['audience'] !== undefined && !isResourceIndicator(audience)) {
    problems.push(`${at}.audience must be an absolute URI without a fragment`);
  }
  const resources = parseResources(entry['resources'], `${at}.resources`, problems);
  const exchangeAudiences = parseExchange(entry['exchange'], `${at}.exchange`, problems);
  for (const target of exchangeAudiences) {
    if (resources !== undefined && !resources.has(target)) {
      problems.push(`${at}.exchange.audiences: "${target}" must also be listed in resources (with its scopes)`);
    }
  }
  if (problems.length > before || resources === undefined) return undefined;
  return {
    clientId: clientId as string,
    spiffeId: spiffeId as string,
    audience: audience as string,
    resources,
    exchangeAudiences,
  };
}

function parseResources(value: unknown, at: string, problems: string[]): Map<string, Set<string>> | undefined {
  if (!isRecord(value)) {
    problems.push(`${at} must be an object: { "<audience URI>": ["scope", ...] }`);
    return undefined;
  }
  const resources = new Map<string, Set<string>>();
  for (const [resource, scopes] of Object.entries(value)) {
    if (!isResourceIndicator(resource)) {
      problems.push(`${at}: "${resource}" must be an absolute URI without a fragment`);
      continue;
    }
    if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
      problems.push(`${at}["${resource}"] must be a list of scope names (no spaces or quotes)`);
      continue;
    }
    resources.set(resource, new Set(scopes));
  }
  return resources;
}

function parseExchange(value: unknown, at: string, problems: string[]): Set<string> {
  if (value === undefined) return new Set();
  const audiences = isRecord(value) ? value['audiences'] : undefined;
  if (!isRecord(value) || Object.keys(value).some((k) => k !== 'audiences') || !Array.isArray(audiences)) {
    problems.push(`${at} must be { "audiences": ["<audience URI>", ...] }`);
    return new Set();
  }
  if (!audiences.every((a): a is string => isResourceIndicator(a))) {
    problems.push(`${at}.audiences must be absolute URIs without a fragment`);
    return new Set();
  }
  return new Set(audiences);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSpiffeId(value: string): boolean {
  try {
    parseSpiffeId(value);
    return true;
  } catch {
    return false;
  }
}

/** What oidc-provider accepts as a resource indicator: an absolute URI without a fragment. */
function isResourceIndicator(value: unknown): boolean {
  return typeof value === 'string' && URL.canParse(value) && !value.includes('#');
}
