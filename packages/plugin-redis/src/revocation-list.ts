import { RampartError } from '@rampart/core';
import type { RedisConnection } from './redis-connection.js';
import { encodeRevocation, revocationChannel } from './revocation-channel.js';
import { REVOCATION_KINDS as KINDS, type RevocationKind } from './revocation-kind.js';

export type { RevocationKind } from './revocation-kind.js';

/**
 * One revocation: exactly one of `jti`, `sub` or `clientId`, and until when it holds. Until then every call
 * presenting a matching token is refused with UNAUTHENTICATED, on every replica using the same Redis.
 *
 * @example
 * ```ts
 * const oneHour: Revocation = { sub: 'mallory', until: new Date(Date.now() + 3_600_000) };
 * ```
 */
export type Revocation =
  | { readonly jti: string; readonly sub?: undefined; readonly clientId?: undefined; readonly until: Date }
  | { readonly sub: string; readonly jti?: undefined; readonly clientId?: undefined; readonly until: Date }
  | { readonly clientId: string; readonly jti?: undefined; readonly sub?: undefined; readonly until: Date };

/**
 * The identifiers of one token, as the pipeline checks them.
 *
 * @example
 * ```ts
 * const ids: TokenIdentifiers = { jti: token.jti, sub: principal.subject, clientId: principal.clientId };
 * ```
 */
export interface TokenIdentifiers {
  readonly jti: string | undefined;
  readonly sub: string | undefined;
  readonly clientId: string | undefined;
}


/**
 * The revocation list on Redis: `<prefix>revoked:<kind>:<value>` keys that expire at `until` (`SET … PXAT`), checked
 * with one `MGET` per call. Each revocation is also announced on `<prefix>revocations` (pub/sub, in the same
 * transaction), so every replica ends the open streams it concerns at once. Revoking again overwrites the previous `until`; `unrevoke` lifts a revocation early.
 * Not tied to an app: an admin tool can build one over its own {@link RedisConnection}.
 *
 * @example
 * ```ts
 * const list = app.container.get<RedisRevocationList>(REDIS_TOKENS.RevocationList);
 * await list.revoke({ jti: 'b3c1…', until: new Date(Date.now() + 15 * 60_000) });
 * await list.revoke({ clientId: 'billing-batch', until: new Date('2030-01-01') });
 * await list.unrevoke({ clientId: 'billing-batch' });
 * ```
 */
export class RedisRevocationList {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keyPrefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Revokes until `revocation.until` (which must be in the future). Throws ERR_INVALID_ARGUMENT or ERR_UNAVAILABLE. */
  async revoke(revocation: Revocation): Promise<void> {
    const [kind, value] = targetOf(revocation);
    const until = revocation.until;
    if (!(until instanceof Date) || Number.isNaN(until.getTime()) || until.getTime() <= this.now()) {
      throw new RampartError('ERR_INVALID_ARGUMENT', 'revoke: `until` must be a Date in the future');
    }
    // One transaction: the key, and the announcement that ends the open streams it concerns on every replica.
    await this.connection.run('revoke', (client) =>
      client
        .multi()
        .set(this.#key(kind, value), String(until.getTime()), { expiration: { type: 'PXAT', value: until.getTime() } })
        .publish(revocationChannel(this.keyPrefix), encodeRevocation({ kind, value }))
        .exec(),
    );
  }

  /** Lifts a revocation; true when there was one. */
  async unrevoke(target: Omit<Revocation, 'until'>): Promise<boolean> {
    const [kind, value] = targetOf(target);
    return (await this.connection.run('unrevoke', (client) => client.del(this.#key(kind, value)))) > 0;
  }

  /** Which identifier of the token is revoked (`jti` first), or undefined. Throws ERR_UNAVAILABLE when Redis cannot tell. */
  async check(token: TokenIdentifiers): Promise<RevocationKind | undefined> {
    const kinds = KINDS.filter((kind) => token[kind] !== undefined);
    if (kinds.length === 0) return undefined;
    const keys = kinds.map((kind) => this.#key(kind, token[kind] as string));
    const replies = await this.connection.run('revocation check', (client) => client.mGet(keys));
    const index = replies.findIndex((reply) => reply !== null);
    return index === -1 ? undefined : kinds[index];
  }

  #key(kind: RevocationKind, value: string): string {
    return `${this.keyPrefix}revoked:${kind === 'clientId' ? 'client' : kind}:${value}`;
  }
}

function targetOf(target: Partial<Record<RevocationKind, unknown>>): [RevocationKind, string] {
  const given = KINDS.filter((kind) => target[kind] !== undefined);
  const kind = given[0];
  if (given.length !== 1 || kind === undefined) {
    throw new RampartError('ERR_INVALID_ARGUMENT', 'revoke: give exactly one of `jti`, `sub` or `clientId`');
  }
  const value = target[kind];
  if (typeof value !== 'string' || value === '') {
    throw new RampartError('ERR_INVALID_ARGUMENT', `revoke: \`${kind}\` must be a non-empty string`);
  }
  return [kind, value];
}
