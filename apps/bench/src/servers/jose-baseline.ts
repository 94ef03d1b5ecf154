import { readFileSync } from 'node:fs';
import { TokenVerifier } from '@rampart/auth';
import type { Fixtures } from '../ipc.js';
import { rawJoseVerifier } from './raw-jose.js';

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
 * `verifier: 'rampart'` runs Rampart's own `TokenVerifier` the same way, configured as the bench's Rampart servers
 * are (JWKS file, audience, `requireTyp`, ES256, default cache): the pool of tokens is larger than the cache, so
 * every verification is a miss, and the two loops compare verification alone, with no server around it.
 */
export async function createJoseBaseline(
  fixtures: Fixtures,
): Promise<(durationMs: number, concurrency: number, verifier: 'jose' | 'rampart') => Promise<JoseWindow>> {
  const tokens = readFileSync(fixtures.coldTokensFile, 'utf8').split('\n');
  const raw = await rawJoseVerifier(fixtures);
  const rampart = new TokenVerifier({
    issuers: [{ issuer: fixtures.issuer, jwksFile: fixtures.jwksFile, requireTyp: true, algorithms: ['ES256'] }],
    audience: fixtures.audience,
    clockToleranceSec: 0,
  });
  await rampart.prefetchKeys();
  const ours = (token: string) => rampart.verify(token);
  // One cursor per verifier over the pool: Rampart's verifier sees every token again only after all 12,000 others,
  // more than its cache holds, so each of its verifications is a miss (a shared cursor would let hits in).
  const cursors = { jose: 0, rampart: 0 };
  return async (durationMs, concurrency, verifier) => {
    const verify = verifier === 'rampart' ? ours : raw;
    let verifies = 0;
    let errors = 0;
    const startCpu = process.cpuUsage();
    const start = performance.now();
    const until = start + durationMs;
    const worker = async (): Promise<void> => {
      while (performance.now() < until) {
        const token = tokens[cursors[verifier]] as string;
        cursors[verifier] = (cursors[verifier] + 1) % tokens.length;
        try {
          await verify(token);
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
