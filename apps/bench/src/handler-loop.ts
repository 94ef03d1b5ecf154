/**
 * What Rampart's own per-call work costs (run it: `node apps/bench/dist/handler-loop-main.js`), without
 * the transport. The grpc-js unary handlers that Rampart registers (the `@RequireMtls` app and the full-auth app of
 * the bench) and the bare grpc-js handler are called in one process, in a closed loop of 32 calls in flight, with
 * call objects shaped like grpc-js 1.14's (`request`, `metadata`, `getDeadline`, `getAuthContext`, the session behind
 * `call.stream`, the `cancelled` event), 4 sessions standing for 4 connections, the warm token on every call.
 * Reports CPU time per call (median of alternating rounds) and Rampart minus bare.
 *
 * No network, no HTTP/2, no GC regime of a server: far steadier than `pnpm bench` (a few % between runs instead of
 * ±10-15 %), so it can show a change of a few hundred nanoseconds in Rampart's adapter, hooks and auth stages. It
 * says nothing about grpc-js, Node's HTTP/2 layer or a server's GC: the end-to-end figures are `pnpm bench`'s.
 */
import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Metadata } from '@grpc/grpc-js';
import type { RampartApp } from '@rampart/server';
import { createFixtures } from './fixtures.js';
import { ECHO_PATH } from './paths.js';
import { bareHandlers } from './servers/bare-grpc.js';
import { rampartRateLimit } from '@rampart/plugin-ratelimit';
import { grpcHandlerEntry, grpcServerOf } from './servers/grpc-handler-table.js';
import { startRampart } from './servers/rampart-app.js';

type UnaryHandler = (call: object, callback: (error: unknown, value?: unknown) => void) => void;


/** The parts of grpc-js 1.14's `ServerUnaryCallImpl` that handlers (and Rampart) read. */
class LoopCall extends EventEmitter {
  readonly cancelled = false;
  readonly call: { readonly stream: { readonly session: object } };

  constructor(
    readonly request: { payload: string },
    readonly metadata: Metadata,
    session: object,
    private readonly peerDer: Buffer,
  ) {
    super();
    this.call = { stream: { session } };
  }

  getDeadline(): number {
    return Number.POSITIVE_INFINITY;
  }

  getAuthContext(): { transportSecurityType: string; sslPeerCertificate: { raw: Buffer } } {
    return { transportSecurityType: 'ssl', sslPeerCertificate: { raw: this.peerDer } };
  }

  getPath(): string {
    return ECHO_PATH;
  }
}

/** The unary handler grpc-js would call for `path` in the app's server. */
function handlerOf(app: RampartApp, path: string): UnaryHandler {
  return grpcHandlerEntry(grpcServerOf(app), path).func as UnaryHandler;
}

/** Runs `calls` calls through `handler`, `inFlight` at a time (32); returns CPU µs per call. */
async function runLoop(handler: UnaryHandler, calls: number, make: (i: number) => LoopCall, inFlight = 32): Promise<number> {
  let started = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (started < calls) {
      const call = make(started++);
      await new Promise<void>((resolve) =>
        handler(call, (error) => {
          if (error) failed ??= error;
          resolve();
        }),
      );
    }
  };
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(cpu);
  if (failed !== undefined) throw new Error(`a call failed: ${JSON.stringify(failed)}`);
  return (used.user + used.system) / calls;
}

/** The bare grpc-js handler's entry in {@link HandlerLoopResults}. */
export const BARE = 'bare grpc-js handler';
/** Full auth's entry, what the rate-limited variant is compared with. */
export const FULL_AUTH = 'Rampart mTLS+JWT (warm)';
/** Full auth plus a rate limit in memory (`@rampart/plugin-ratelimit`) that never runs out. */
export const RATE_LIMITED = 'Rampart mTLS+JWT+ratelimit';
/** The same limit kept in Redis (`--redis <url>`). */
export const RATE_LIMITED_REDIS = 'Rampart mTLS+JWT+ratelimit (redis)';

/** Wall-clock µs per call of `n` calls made by `run`. */
async function wallUs(run: () => Promise<unknown>, n: number): Promise<number> {
  const started = performance.now();
  await run();
  return ((performance.now() - started) * 1000) / n;
}

/** CPU µs per call of each handler, one entry per round. */
export type HandlerLoopResults = Map<string, number[]>;

/** What one call costs with a Redis-backed limit, next to full auth alone: wall time per call, one call at a time. */
export interface SequentialLatency {
  readonly fullAuthUs: number;
  readonly redisUs: number;
}

/**
 * Runs the four handlers (bare grpc-js, Rampart `@RequireMtls`, Rampart full auth with the warm token, and full auth
 * with an in-memory rate limit that never refuses; with `redisUrl`, a fifth with the limit on that Redis) `rounds`
 * times each, alternating, `calls` calls a round, after a warm-up pass; rejects if any call fails (so the loop's
 * call objects still satisfy Rampart's handlers). With `redisUrl` it also times 2 000 calls one at a time through
 * full auth and through the Redis variant (the round trip to Redis is wall time, not CPU).
 */
export async function handlerLoop(
  calls: number,
  rounds: number,
  options: { readonly redisUrl?: string } = {},
): Promise<{ cpu: HandlerLoopResults; latency: SequentialLatency | undefined }> {
  const { fixtures, cleanup } = await createFixtures(1);
  const mtls = await startRampart(fixtures, false, 'silent');
  const auth = await startRampart(fixtures, true, 'silent');
  // Full auth and a rate limit in memory on every method, per principal, that never runs out: the limiter's allow path.
  const limit = { defaultLimit: { capacity: 1_000_000_000, refillPerSecond: 1_000_000_000, key: 'principal' } };
  const limited = await startRampart(fixtures, true, 'silent', false, { plugins: [rampartRateLimit()], values: { ratelimit: limit } });
  const onRedis =
    options.redisUrl === undefined
      ? undefined
      : await startRampart(fixtures, true, 'silent', false, {
          plugins: [rampartRateLimit()],
          values: { ratelimit: { ...limit, store: 'redis' } },
          env: { RAMPART_RATELIMIT_REDIS_URL: options.redisUrl },
        });
  try {
    const peerDer = new X509Certificate(readFileSync(fixtures.clientCertFile)).raw;
    const sessions = [{}, {}, {}, {}];
    const withToken = new Metadata();
    withToken.set('authorization', `Bearer ${fixtures.warmToken}`);
    const without = new Metadata();
    const request = { payload: 'hello from the loop!!' };
    const loops: Record<string, { handler: UnaryHandler; metadata: Metadata }> = {
      [BARE]: { handler: (call, callback) => bareHandlers.echo(call as never, callback), metadata: without },
      'Rampart @RequireMtls': { handler: handlerOf(mtls.app, ECHO_PATH), metadata: without },
      [FULL_AUTH]: { handler: handlerOf(auth.app, ECHO_PATH), metadata: withToken },
      [RATE_LIMITED]: { handler: handlerOf(limited.app, ECHO_PATH), metadata: withToken },
      ...(onRedis ? { [RATE_LIMITED_REDIS]: { handler: handlerOf(onRedis.app, ECHO_PATH), metadata: withToken } } : {}),
    };
    const names = Object.keys(loops);
    const run = (name: string, n: number, inFlight = 32): Promise<number> => {
      const { handler, metadata } = loops[name] as { handler: UnaryHandler; metadata: Metadata };
      return runLoop(handler, n, (i) => new LoopCall(request, metadata, sessions[i % 4] as object, peerDer), inFlight);
    };
    for (const name of names) await run(name, Math.min(calls, 50_000)); // JIT warm-up
    const results: HandlerLoopResults = new Map(names.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + round) % names.length] as string;
        results.get(name)?.push(await run(name, calls));
      }
    }
    const latency = onRedis && {
      fullAuthUs: await wallUs(() => run(FULL_AUTH, 2_000, 1), 2_000),
      redisUs: await wallUs(() => run(RATE_LIMITED_REDIS, 2_000, 1), 2_000),
    };
    return { cpu: results, latency: latency || undefined };
  } finally {
    await mtls.app.close({ graceMs: 0 });
    await auth.app.close({ graceMs: 0 });
    await limited.app.close({ graceMs: 0 });
    await onRedis?.app.close({ graceMs: 0 });
    cleanup();
  }
}

