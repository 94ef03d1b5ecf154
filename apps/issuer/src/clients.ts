import { parseSpiffeId, RampartError } from '@rampart/core';
import { AUTH_KEYS, parseClientAuthentication, type ClientAuthentication, type IssuerClientAuthMethod } from './client-authentication.js';

/**
 * One workload allowed to get tokens, as written in config (`issuer.clients`).
 *
 * @example
 * ```ts
 * const orders: IssuerClientConfig = {
 *   client_id: 'orders',
 *   spiffe_id: 'spiffe://demo.rampart.dev/orders',
 *   resources: { 'spiffe://demo.rampart.dev/inventory': ['inventory:read', 'inventory:reserve'] },
 *   exchange: {
 *     'spiffe://demo.rampart.dev/inventory': { 'orders:write': ['inventory:read', 'inventory:reserve'], 'orders:read': ['inventory:read'] },
 *   },
 * };
 * ```
 */
export interface IssuerClientConfig {
  /** The OAuth client ID the workload sends as `client_id`. */
  readonly client_id: string;
  /**
   * The workload's SPIFFE ID: with `tls_client_auth`, its certificate must carry it as its one URI SAN
   * (`tls_client_auth_san_uri`); always the actor (`act.sub`) of tokens it exchanges.
   */
  readonly spiffe_id: string;
  /**
   * How it authenticates at the token endpoint (default `tls_client_auth`). Every method runs over mutual TLS and
   * its tokens are bound to the certificate of the request. The credential comes from a file:
   * `self_signed_tls_client_auth` → `certificate_file` (PEM, the certificate(s) it presents),
   * `private_key_jwt` → `jwks_file` (its public keys), `client_secret_basic` / `client_secret_post` →
   * `client_secret_file` (a secret is never written in config).
   */
  readonly token_endpoint_auth_method?: IssuerClientAuthMethod;
  readonly certificate_file?: string;
  readonly jwks_file?: string;
  readonly client_secret_file?: string;
  /**
   * The audience tokens for this workload carry (the resource indicator callers ask for). Only token exchange
   * reads it: a subject token must name it. Default: `spiffe_id`.
   */
  readonly audience?: string;
  /** Resource indicator (an absolute URI, used as `aud`) → the scopes this client may get for it. */
  readonly resources: Readonly<Record<string, readonly string[]>>;
  /**
   * Token exchange (RFC 8693): each audience this client may exchange a caller's token for → a delegation map from the
   * scopes of the caller's token (the subject token, meant for this client) to the scopes this client may then have
   * at that audience in the caller's name. An exchanged token gets at most the union of the scopes its subject
   * token's scopes map to (all of them within `resources[audience]`); nothing mapped → `invalid_scope`.
   */
  readonly exchange?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
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
  /** How the client authenticates, with its registered credential. */
  readonly authentication: ClientAuthentication;
  readonly resources: ReadonlyMap<string, ReadonlySet<string>>;
  /** Audience this client may exchange tokens for → subject token scope → the scopes it delegates there. */
  readonly exchange: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;
}

const CLIENT_KEYS = new Set<string>(['client_id', 'spiffe_id', 'audience', 'resources', 'exchange', ...AUTH_KEYS]);
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
  const authentication = parseClientAuthentication(entry, at, problems);
  const resources = parseResources(entry['resources'], `${at}.resources`, problems);
  const exchange = parseExchange(entry['exchange'], `${at}.exchange`, resources ?? new Map(), problems);
  if (problems.length > before || resources === undefined || authentication === undefined) return undefined;
  return {
    clientId: clientId as string,
    spiffeId: spiffeId as string,
    audience: audience as string,
    authentication,
    resources,
    exchange,
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

const EXCHANGE_FORMAT = '{ "<audience URI>": { "<scope of the caller\'s token>": ["<scope at that audience>", ...] } }';

/** `exchange`: audience → (subject token scope → delegated scopes), every delegated scope one of `resources[audience]`. */
function parseExchange(
  value: unknown,
  at: string,
  resources: ReadonlyMap<string, ReadonlySet<string>>,
  problems: string[],
): Map<string, Map<string, Set<string>>> {
  const exchange = new Map<string, Map<string, Set<string>>>();
  if (value === undefined) return exchange;
  if (!isRecord(value)) {
    problems.push(`${at} must be ${EXCHANGE_FORMAT}`);
    return exchange;
  }
  if ('audiences' in value) {
    problems.push(
      `${at}.audiences is no longer read: name each audience with the scopes the caller's token delegates there, ${EXCHANGE_FORMAT} (docs/adr/0011)`,
    );
    return exchange;
  }
  for (const [audience, mapping] of Object.entries(value)) {
    const where = `${at}["${audience}"]`;
    const allowed = resources.get(audience);
    if (!isResourceIndicator(audience)) problems.push(`${at}: "${audience}" must be an absolute URI without a fragment`);
    else if (allowed === undefined) problems.push(`${where}: the audience must also be listed in resources (with its scopes)`);
    if (!isRecord(mapping) || Object.keys(mapping).length === 0) {
      problems.push(`${where} must map at least one scope of the caller's token to scopes at "${audience}", e.g. { "orders:write": ["inventory:reserve"] }`);
      continue;
    }
    const delegations = new Map<string, Set<string>>();
    for (const [subjectScope, scopes] of Object.entries(mapping)) {
      if (!SCOPE_TOKEN.test(subjectScope) || !Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
        problems.push(`${where}["${subjectScope}"] must be a list of scope names (no spaces or quotes)`);
        continue;
      }
      const unknown = scopes.filter((scope) => allowed !== undefined && !allowed.has(scope));
      if (unknown.length > 0) {
        problems.push(`${where}["${subjectScope}"]: "${unknown.join('", "')}" not in resources["${audience}"]: the client may not have it there`);
      }
      delegations.set(subjectScope, new Set(scopes));
    }
    exchange.set(audience, delegations);
  }
  return exchange;
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
