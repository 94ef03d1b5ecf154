/**
 * What can be revoked: one token (`jti`), every token of a subject (`sub`), or every token of a client.
 *
 * @example
 * ```ts
 * const kind: RevocationKind | undefined = await list.check({ jti, sub, clientId }); // e.g. 'sub'
 * ```
 */
export type RevocationKind = 'jti' | 'sub' | 'clientId';

/**
 * Every revocation kind, in the order they are checked.
 *
 * @example
 * ```ts
 * for (const kind of REVOCATION_KINDS) if (token[kind] !== undefined) keys.push(`${kind}:${token[kind]}`);
 * ```
 */
export const REVOCATION_KINDS: readonly RevocationKind[] = ['jti', 'sub', 'clientId'];
