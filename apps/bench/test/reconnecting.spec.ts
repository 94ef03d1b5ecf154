import { readFileSync } from 'node:fs';
import type { RampartApp } from '@rampart/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtures } from '../src/fixtures.js';
import type { Fixtures } from '../src/ipc.js';
import { encodeEcho, frame } from '../src/load/grpc-frame.js';
import { openReconnecting, openTransport } from '../src/load/open.js';
import type { ClientKind, GrpcTransport, RawTarget } from '../src/load/transport.js';
import { ECHO_PATH } from '../src/paths.js';
import { startRampart } from '../src/servers/rampart-app.js';

// A Rampart server ages its connections (GOAWAY after server.maxConnectionAgeMs, 120 s by default): a full bench run
// outlives that, and a generator that kept calling on the old connection spun on failures and never answered.

let fixtures: Fixtures;
let cleanup: () => void;
let rampart: { port: number; app: RampartApp };

beforeAll(async () => {
  ({ fixtures, cleanup } = await createFixtures(1));
  // Connections age after 150 ms (grpc-js adds up to +10 % jitter); calls in flight get 5 s to finish.
  const server = { host: '127.0.0.1', port: 0, maxConnectionAgeMs: 150, maxConnectionAgeGraceMs: 5_000 };
  rampart = await startRampart(fixtures, false, 'silent', false, { values: { server } });
});
afterAll(async () => {
  await rampart?.app.close({ graceMs: 100 });
  cleanup?.();
});

const target = (): RawTarget => ({
  port: rampart.port,
  tls: {
    caPem: readFileSync(fixtures.caFile, 'utf8'),
    certPem: readFileSync(fixtures.clientCertFile, 'utf8'),
    keyPem: readFileSync(fixtures.clientKeyFile, 'utf8'),
  },
});

/** 8 callers in a closed loop for `ms`, each awaiting a real turn of the event loop now and then; failed calls. */
async function callFor(connection: GrpcTransport, ms: number): Promise<{ ok: number; failed: string[] }> {
  const body = frame(encodeEcho('hello'));
  const until = performance.now() + ms;
  let ok = 0;
  const failed: string[] = [];
  const caller = async (): Promise<void> => {
    while (performance.now() < until) {
      const result = await connection.call({ path: ECHO_PATH }, body);
      if (result.status === 0) ok += 1;
      else {
        failed.push(result.message);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, caller));
  return { ok, failed };
}

describe.each<ClientKind>(['lite', 'node-http2'])('the %s client against a server that ages its connections', (kind) => {
  it('moves to a new connection after GOAWAY: every call succeeds, across several connections', async () => {
    const connection = await openReconnecting(kind, target());
    try {
      const { ok, failed } = await callFor(connection, 1_000);
      expect([...new Set(failed)]).toEqual([]);
      expect(ok).toBeGreaterThan(100);
      expect(connection.reconnects).toBeGreaterThanOrEqual(2);
    } finally {
      connection.destroy();
    }
  });

  it('without reconnecting, calls after the GOAWAY fail (what the wrapper is for)', async () => {
    const connection = await openTransport(kind, target());
    try {
      const { failed } = await callFor(connection, 600);
      expect(failed.length).toBeGreaterThan(0);
      expect(connection.accepting).toBe(false);
    } finally {
      connection.destroy();
    }
  });
});
