import { randomBytes } from 'node:crypto';

/**
 * A random, positive certificate serial number of 16 bytes (126 random bits) as hex. The top bit is
 * cleared so that DER reads it as positive, and the next one is set so that the encoding keeps all 16 bytes.
 *
 * @example
 * ```ts
 * const serialNumber = randomSerialNumber(); // e.g. '5f3a…' (32 hex digits)
 * ```
 */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
