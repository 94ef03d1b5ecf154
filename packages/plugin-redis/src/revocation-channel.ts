import { REVOCATION_KINDS, type RevocationKind } from './revocation-kind.js';

/**
 * The pub/sub channel revocations are announced on, so replicas end the open streams they concern at once:
 * `<prefix>revocations`.
 *
 * @example
 * ```ts
 * revocationChannel('rampart:'); // 'rampart:revocations'
 * ```
 */
export function revocationChannel(keyPrefix: string): string {
  return `${keyPrefix}revocations`;
}

/**
 * One announced revocation: what was revoked.
 *
 * @example
 * ```ts
 * const announced: AnnouncedRevocation = { kind: 'sub', value: 'mallory' };
 * ```
 */
export interface AnnouncedRevocation {
  readonly kind: RevocationKind;
  readonly value: string;
}

const KINDS: ReadonlySet<string> = new Set<string>(REVOCATION_KINDS);

/**
 * The message announcing a revocation (JSON).
 *
 * @example
 * ```ts
 * encodeRevocation({ kind: 'jti', value: 'b3c1' }); // '{"kind":"jti","value":"b3c1"}'
 * ```
 */
export function encodeRevocation(revocation: AnnouncedRevocation): string {
  return JSON.stringify({ kind: revocation.kind, value: revocation.value });
}

/**
 * Reads an announcement; `undefined` for anything that is not one (a message from something else on the channel).
 *
 * @example
 * ```ts
 * decodeRevocation('{"kind":"sub","value":"mallory"}'); // { kind: 'sub', value: 'mallory' }
 * decodeRevocation('hello');                            // undefined
 * ```
 */
export function decodeRevocation(message: string): AnnouncedRevocation | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { kind, value } = parsed as { kind?: unknown; value?: unknown };
  if (typeof kind !== 'string' || !KINDS.has(kind) || typeof value !== 'string' || value === '') return undefined;
  return { kind: kind as RevocationKind, value };
}
