import { readFileSync } from 'node:fs';
import { importJWK, jwtVerify, type JWK } from 'jose';
import type { Fixtures } from '../ipc.js';

/** What raw verification cost over one window. */
export interface JoseWindow {
  readonly verifies: number;
  readonly cpuUs: number;
  readonly wallMs: number;
  readonly errors: number;
}

/**
 * The floor for cold verification: jose `jwtVerify` alone, in-process, with the public key already imported, the
 * same claim checks Rampart asks for, over the same pool of tokens, `concurrency` at a time for `durationMs`.
 * Reports the process's CPU time per verification (WebCrypto work runs on libuv's pool; its threads count too).
 */
export async function createJoseBaseline(fixtures: Fixtures): Promise<(durationMs: number, concurrency: number) => Promise<JoseWindow>> {
  const tokens = readFileSync(fixtures.coldTokensFile, 'utf8').split('\n');
  const jwk = (JSON.parse(readFileSync(fixtures.jwksFile, 'utf8')) as { keys: JWK[] }).keys[0] as JWK;
  const key = await importJWK(jwk, 'ES256');
  const options = {
    algorithms: ['ES256'],
    issuer: fixtures.issuer,
    audience: fixtures.audience,
    requiredClaims: ['exp', 'sub'],
    typ: 'at+jwt',
    clockTolerance: 0,
  };
  let next = 0;
  return async (durationMs, concurrency) => {
    let verifies = 0;
    let errors = 0;
    const startCpu = process.cpuUsage();
    const start = performance.now();
    const until = start + durationMs;
    const worker = async (): Promise<void> => {
      while (performance.now() < until) {
        const token = tokens[next] as string;
        next = (next + 1) % tokens.length;
        try {
          await jwtVerify(token, key, options);
          verifies += 1;
        } catch {
          errors += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const cpu = process.cpuUsage(startCpu);
    return { verifies, errors, cpuUs: cpu.user + cpu.system, wallMs: performance.now() - start };
  };
}
