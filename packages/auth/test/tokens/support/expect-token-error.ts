import { RampartError, Status } from '@rampart/core';
import { expect } from 'vitest';

/**
 * Awaits a rejection and asserts it is a RampartError with `code`, status UNAUTHENTICATED, the generic wire message,
 * a reason matching `reason`, and that the reason quotes neither the token nor its payload or signature part.
 */
export async function expectTokenError(
  promise: Promise<unknown>,
  code: 'ERR_TOKEN_INVALID' | 'ERR_TOKEN_EXPIRED',
  reason: RegExp,
  token?: string,
): Promise<RampartError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(RampartError);
  const err = error as RampartError;
  expect(err.code).toBe(code);
  expect(err.status).toBe(Status.UNAUTHENTICATED);
  expect(err.message).toBe(code === 'ERR_TOKEN_EXPIRED' ? 'token expired' : 'invalid token');
  expect(err.reason).toMatch(reason);
  if (token !== undefined && token.length > 0) {
    expect(err.reason).not.toContain(token);
    for (const part of token.split('.').slice(1)) if (part.length > 8) expect(err.reason).not.toContain(part);
  }
  return err;
}

/** A Logger that records warnings (messages and objects). */
export function recordingLogger() {
  const warnings: { obj: unknown; msg: string | undefined }[] = [];
  const noop = (): void => undefined;
  const logger = {
    trace: noop,
    debug: noop,
    info: noop,
    warn: (obj: unknown, msg?: string) => void warnings.push(typeof obj === 'string' ? { obj: {}, msg: obj } : { obj, msg }),
    error: noop,
    fatal: noop,
    child: () => logger,
    isLevelEnabled: () => true,
  };
  return { logger, warnings };
}
