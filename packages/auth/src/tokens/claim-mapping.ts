/**
 * Where a trusted issuer's access tokens keep their scopes, roles and client id. A claim is named by a string (a
 * top-level claim, taken literally, so namespaced claims like `https://example.com/roles` work) or by a list of
 * names (a path into nested objects, e.g. `['realm_access', 'roles']` for Keycloak realm roles).
 *
 * @example
 * ```ts
 * const mapping: ClaimMapping = { scopes: ['scp', 'roles'], roles: ['roles'], clientId: ['azp', 'appid'] };
 * ```
 */
export interface ClaimMapping {
  /** Claims whose values are granted scopes (a space-separated string or a list of strings); all are read. */
  readonly scopes: readonly ClaimPath[];
  /** Claims whose values are roles (a list of strings, or a space-separated string); all are read. */
  readonly roles: readonly ClaimPath[];
  /** Claims that name the client (a string): the first one present wins. */
  readonly clientId: readonly ClaimPath[];
}

/** A top-level claim name, or a path of names into nested objects. */
export type ClaimPath = string | readonly string[];

/** The names of the built-in mappings. */
export type ClaimPreset = 'default' | 'keycloak' | 'auth0' | 'entra' | 'okta' | 'spire';

/**
 * What `claims` on an issuer entry may be: a preset name, or an object naming a `preset` to start from (default
 * `default`) and the lists it replaces.
 *
 * @example
 * ```ts
 * const claims: ClaimMappingConfig = { preset: 'auth0', roles: ['https://rampart.example/roles'] };
 * ```
 */
export type ClaimMappingConfig = ClaimPreset | ({ readonly preset?: ClaimPreset } & Partial<ClaimMapping>);

/**
 * The built-in mappings, each as the provider documents its access tokens. `default` is what an issuer without
 * `claims` gets: `scope` and `scp`, and `client_id` (RFC 9068).
 *
 * @example
 * ```ts
 * CLAIM_PRESETS.okta.clientId; // ['cid']
 * ```
 */
export const CLAIM_PRESETS: Readonly<Record<ClaimPreset, ClaimMapping>> = deepFreeze({
  default: { scopes: ['scope', 'scp'], roles: [], clientId: ['client_id'] },
  // Keycloak: `scope` string; realm roles under realm_access.roles; the client in `client_id` (service accounts) or `azp`.
  keycloak: { scopes: ['scope'], roles: [['realm_access', 'roles']], clientId: ['client_id', 'azp'] },
  // Auth0: `scope` string, plus API permissions in `permissions` (RBAC with "Add Permissions in the Access Token").
  auth0: { scopes: ['scope', 'permissions'], roles: [], clientId: ['client_id', 'azp'] },
  // Entra ID: delegated scopes in `scp` (string), application permissions (app roles) in `roles`; azp (v2) or appid (v1).
  entra: { scopes: ['scp', 'roles'], roles: ['roles'], clientId: ['azp', 'appid'] },
  // Okta custom authorization servers: `scp` list, the client in `cid`.
  okta: { scopes: ['scp'], roles: [], clientId: ['cid'] },
  // SPIRE JWT-SVIDs carry no scopes or roles; the workload's SPIFFE ID (`sub`) names the client.
  spire: { scopes: [], roles: [], clientId: ['sub'] },
});

const KEYS = ['scopes', 'roles', 'clientId'] as const;
const PRESETS = Object.keys(CLAIM_PRESETS) as ClaimPreset[];

/**
 * Checks a `claims` setting and returns the mapping it stands for, or throws an `Error` whose message says what is
 * wrong and how to fix it (the caller prefixes the config key). `undefined` gives the `default` preset.
 *
 * @example
 * ```ts
 * resolveClaimMapping('entra').clientId; // ['azp', 'appid']
 * resolveClaimMapping({ preset: 'keycloak', roles: [['resource_access', 'orders', 'roles']] });
 * ```
 */
export function resolveClaimMapping(value: unknown): ClaimMapping {
  if (value === undefined) return CLAIM_PRESETS.default;
  if (typeof value === 'string') return CLAIM_PRESETS[preset(value)];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`must be a preset name (${PRESETS.join(', ')}) or an object { preset?, scopes?, roles?, clientId? }`);
  }
  const entry = value as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (key !== 'preset' && !(KEYS as readonly string[]).includes(key)) {
      throw new Error(`unknown key "${key}" (known: preset, ${KEYS.join(', ')})`);
    }
  }
  const base = entry.preset === undefined ? CLAIM_PRESETS.default : CLAIM_PRESETS[preset(entry.preset)];
  const mapping = { ...base };
  for (const key of KEYS) if (entry[key] !== undefined) mapping[key] = pathList(key, entry[key]);
  return deepFreeze(mapping);
}

function preset(name: unknown): ClaimPreset {
  if (typeof name === 'string' && (PRESETS as string[]).includes(name)) return name as ClaimPreset;
  throw new Error(`unknown preset ${JSON.stringify(name)}: use one of ${PRESETS.join(', ')}, or list the claims yourself`);
}

function pathList(key: string, value: unknown): ClaimPath[] {
  const fix = `"${key}" must be a list of claim names (a name, or a list of names for a nested claim), e.g. ["scp"] or [["realm_access", "roles"]]`;
  if (!Array.isArray(value)) throw new Error(fix);
  return value.map((path: unknown): ClaimPath => {
    if (typeof path === 'string' && path !== '') return path;
    if (Array.isArray(path) && path.length > 0 && path.every((p) => typeof p === 'string' && p !== '')) return [...(path as string[])];
    throw new Error(`${fix}; got ${JSON.stringify(path)} (an empty name or not a string)`);
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
