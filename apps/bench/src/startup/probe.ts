import { setTimeout as sleep } from 'node:timers/promises';
import { frame } from '../load/grpc-frame.js';
import { openTransport } from '../load/open.js';
import type { GrpcTransport, RawResult, RawTarget } from '../load/transport.js';

/** `grpc.health.v1.Health/Check` for the whole server (`service: ""`: an empty request message). */
export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';
const EMPTY_REQUEST = frame(Buffer.alloc(0));
/** `HealthCheckResponse { status: SERVING }`: field 1, varint 1. */
const SERVING = Buffer.from([0x08, 0x01]);

/** Whether a Check answer says SERVING. */
export function isServing(result: RawResult): boolean {
  return result.status === 0 && result.messages.length === 1 && (result.messages[0] as Buffer).equals(SERVING);
}

/** How often a probe retries a refused connection or a not-yet-SERVING answer. */
const RETRY_MS = 2;

/**
 * Probes `target` with the health check until it answers SERVING, as a readiness probe would but every 2 ms: a
 * refused connection (nothing listening yet) or an answer other than SERVING (an app that is still starting) is
 * retried. Resolves with `performance.now()` at the SERVING answer; rejects when `gone` says the process exited or
 * after `timeoutMs`.
 */
export async function waitUntilServing(target: RawTarget, timeoutMs: number, gone: () => string | undefined): Promise<number> {
  const until = performance.now() + timeoutMs;
  let last = 'no answer';
  while (performance.now() < until) {
    const exited = gone();
    if (exited !== undefined) throw new Error(`the server exited before it was SERVING: ${exited}`);
    let connection: GrpcTransport;
    try {
      connection = await openTransport('lite', target);
    } catch (error) {
      last = String(error);
      await sleep(RETRY_MS);
      continue;
    }
    try {
      while (performance.now() < until && gone() === undefined) {
        const result = await connection.call({ path: HEALTH_CHECK_PATH }, EMPTY_REQUEST);
        if (isServing(result)) return performance.now();
        last = `grpc-status ${result.status} ${result.message}`;
        if (result.status === -1) break; // the connection failed: open another
        await sleep(RETRY_MS);
      }
    } finally {
      connection.destroy();
    }
  }
  throw new Error(`not SERVING within ${timeoutMs} ms (last: ${last})`);
}
