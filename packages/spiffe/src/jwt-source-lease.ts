import type { JSONWebKeySet } from 'jose';
import { resolveEndpoint } from './endpoint-address.js';
import { JwtSource, type JwtSourceOptions } from './jwt-source.js';

/**
 * One holder's share of a {@link JwtSource} used across a process: the token source of outgoing calls and the
 * verifier of incoming JWT-SVIDs take the same FetchJWTBundles stream and the same JWT-SVID cache. `bundleFor` answers
 * undefined until the source is up (a token is then refused, not waited for).
 *
 * @example
 * ```ts
 * const lease = leaseJwtSource({ address: 'unix:///run/spire/agent.sock' });
 * const svid = await (await lease.source).fetchJwtSvid({ audience: ['inventory'] });
 * lease.close();
 * ```
 */
export interface JwtSourceLease {
  /** The shared source, once its first JWT bundles arrived (rejects as `JwtSource.create` does). */
  readonly source: Promise<JwtSource>;
  /** A trust domain's JWK Set from the shared source, or undefined while it is not up. */
  bundleFor(trustDomain: string): JSONWebKeySet | undefined;
  /** Releases this share; the last one closes the source. Idempotent. */
  close(): void;
}

interface Shared {
  readonly source: Promise<JwtSource>;
  ready: JwtSource | undefined;
  users: number;
}

const shared = new Map<string, Shared>();

/**
 * Takes a share of the process's {@link JwtSource} for the Workload API at `options.address` (default
 * `SPIFFE_ENDPOINT_SOCKET`): the first holder creates it with its options.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` when the address is missing or malformed.
 */
export function leaseJwtSource(options: JwtSourceOptions = {}): JwtSourceLease {
  const endpoint = resolveEndpoint(options.address, options.env);
  let entry = shared.get(endpoint.address);
  if (entry === undefined) {
    const created: Shared = { source: JwtSource.create({ ...options, address: endpoint.address }), ready: undefined, users: 0 };
    created.source.then(
      (source) => {
        created.ready = source;
      },
      () => {
        if (shared.get(endpoint.address) === created) shared.delete(endpoint.address);
      },
    );
    shared.set(endpoint.address, created);
    entry = created;
  }
  const held = entry;
  held.users += 1;
  let closed = false;
  return {
    source: held.source,
    bundleFor: (trustDomain) => (closed ? undefined : held.ready?.bundleFor(trustDomain)),
    close() {
      if (closed) return;
      closed = true;
      held.users -= 1;
      if (held.users > 0 || shared.get(endpoint.address) !== held) return;
      shared.delete(endpoint.address);
      void held.source.then((source) => source.close(), () => undefined);
    },
  };
}
