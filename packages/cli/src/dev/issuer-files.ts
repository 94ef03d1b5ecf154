import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JWK } from 'jose';
import { CliError } from '../io.js';

/** The URL the issuer (`apps/issuer`) serves with its default settings: its `iss`. */
export const DEV_ISSUER_URL = 'https://127.0.0.1:9443';

/**
 * The issuer's files in a `.rampart` folder: its signing keys (made by the issuer on its first start), their public
 * part for services that verify dev tokens offline, and the clients file the CLI keeps.
 *
 * @example
 * ```ts
 * issuerFiles('/srv/my-repo/.rampart').keys; // '/srv/my-repo/.rampart/issuer/keys.json'
 * ```
 */
export function issuerFiles(runtime: string): { keys: string; jwks: string; clients: string } {
  const dir = join(runtime, 'issuer');
  return { keys: join(dir, 'keys.json'), jwks: join(dir, 'jwks.json'), clients: join(dir, 'clients.json') };
}

/**
 * The signing key of a keys file: the first private ES256 (EC P-256) key, which is the one the issuer signs with.
 *
 * @throws CliError when the file is missing (saying how to create it), not JSON, or holds no such key.
 *
 * @example
 * ```ts
 * const jwk = readSigningKey('.rampart/issuer/keys.json'); // { kty: 'EC', crv: 'P-256', d: '…', kid: '…' }
 * ```
 */
export function readSigningKey(path: string): { signing: JWK; all: JWK[] } {
  if (!existsSync(path)) {
    throw new CliError(
      `no issuer keys file at ${path}. The issuer creates it on its first start: run "pnpm demo" (or "pnpm dev") once, or give --keys <file>`,
    );
  }
  let keys: unknown;
  try {
    keys = (JSON.parse(readFileSync(path, 'utf8')) as { keys?: unknown }).keys;
  } catch (error) {
    throw new CliError(`${path} is not a JSON keys file (${error instanceof Error ? error.message : String(error)})`);
  }
  const all = Array.isArray(keys) ? keys.filter((k): k is JWK => typeof k === 'object' && k !== null) : [];
  const signing = all.find(
    (k) => k.kty === 'EC' && k.crv === 'P-256' && typeof k.d === 'string' && (k.alg === undefined || k.alg === 'ES256'),
  );
  if (signing === undefined) throw new CliError(`${path} holds no private ES256 (EC P-256) key`);
  return { signing, all };
}

/**
 * Writes the public part of the keys (`kty`, `crv`, `x`, `y`, `kid`, `alg`, `use`) as a JWK Set next to the keys
 * file (`jwks.json`), atomically: what a service's `auth.tokens.issuers[].jwksFile` can trust. Returns its path.
 *
 * @example
 * ```ts
 * writePublicJwks('.rampart/issuer/keys.json', keys.all); // '.rampart/issuer/jwks.json'
 * ```
 */
export function writePublicJwks(keysPath: string, keys: readonly JWK[]): string {
  const path = join(dirname(keysPath), 'jwks.json');
  const publicKeys = keys
    .filter((k) => k.kty === 'EC')
    .map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg: alg ?? 'ES256', use: use ?? 'sig' }));
  const text = `${JSON.stringify({ keys: publicKeys }, null, 2)}\n`;
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return path;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o644 });
  renameSync(temporary, path);
  return path;
}

/** One client of the issuer, in the form `issuer.clients` takes (see apps/issuer). */
export interface IssuerClientEntry {
  client_id: string;
  spiffe_id: string;
  resources: Record<string, string[]>;
  /** Token exchange: audience → scope of the caller's token → the scopes it delegates there (see apps/issuer). */
  exchange?: Record<string, Record<string, string[]>>;
}

/**
 * Registers a scaffolded workload with the dev issuer's clients file (`.rampart/issuer/clients.json`, a config file
 * for `RAMPART_CONFIG` holding `{ "issuer": { "clients": [...] } }`): the workload itself as a client, and the
 * `demo-client` workload allowed to get tokens for the workload's audience with its scopes. Existing entries are
 * kept; returns the entries as written.
 *
 * @throws CliError when the file exists but is not such a file.
 *
 * @example
 * ```ts
 * registerIssuerClient('.rampart/issuer/clients.json', { trustDomain: 'demo.rampart.dev', name: 'payments', scopes: ['payments:read'] });
 * ```
 */
export function registerIssuerClient(
  path: string,
  workload: { readonly trustDomain: string; readonly name: string; readonly scopes: readonly string[] },
): IssuerClientEntry[] {
  const clients = readClients(path);
  const id = (name: string): string => `spiffe://${workload.trustDomain}/${name}`;
  const audience = id(workload.name);
  const upsert = (clientId: string): IssuerClientEntry => {
    let entry = clients.find((c) => c.client_id === clientId);
    if (entry === undefined) {
      entry = { client_id: clientId, spiffe_id: id(clientId), resources: {} };
      clients.push(entry);
    }
    return entry;
  };
  upsert(workload.name);
  const caller = upsert('demo-client');
  caller.resources[audience] = [...new Set([...(caller.resources[audience] ?? []), ...workload.scopes])];
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ issuer: { clients } }, null, 2)}\n`, { mode: 0o644 });
  renameSync(temporary, path);
  chmodSync(path, 0o644);
  return [clients.find((c) => c.client_id === workload.name) as IssuerClientEntry, caller];
}

function readClients(path: string): IssuerClientEntry[] {
  if (!existsSync(path)) return [];
  try {
    const clients = (JSON.parse(readFileSync(path, 'utf8')) as { issuer?: { clients?: unknown } }).issuer?.clients;
    if (!Array.isArray(clients)) throw new Error('no issuer.clients array');
    return clients as IssuerClientEntry[];
  } catch (error) {
    throw new CliError(`${path} is not an issuer clients file (${error instanceof Error ? error.message : String(error)}): fix or remove it`);
  }
}
