/**
 * What a thrown value says: an Error's message, anything else as a string.
 *
 * @example
 * ```ts
 * messageOf(new Error('ENOENT')); // 'ENOENT'
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
