// A real HTTP/2 load tool against a real server: h2load (Debian's nghttp2-client) with hundreds of connections and
// many streams each. .ci/run installs nghttp2-client and sets RAMPART_REQUIRE_NGHTTP2=1 so this cannot skip there.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../fixtures/echo-service.js';
import { startHostileServer, type HostileServer } from './hostile-support.js';

const run = promisify(execFile);
const available = spawnSync('h2load', ['--version'], { stdio: 'ignore' }).status === 0;
if (!available && process.env.RAMPART_REQUIRE_NGHTTP2) {
  throw new Error('h2load (nghttp2-client) is required here (RAMPART_REQUIRE_NGHTTP2 is set) but missing');
}

describe.skipIf(!available)('h2load against a Rampart server', () => {
  let server: HostileServer;
  let dir: string;
  beforeAll(async () => {
    server = await startHostileServer();
    dir = mkdtempSync(join(tmpdir(), 'rampart-h2load-'));
    writeFileSync(join(dir, 'ping.bin'), Buffer.from([0, 0, 0, 0, 0])); // one empty PingRequest
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('200 connections, 20 000 calls, 10 streams at a time on each: every call answered, the server still serving', async () => {
    probe.reset();
    const { stdout } = await run(
      'h2load',
      ['-n', '20000', '-c', '200', '-m', '10', '-d', join(dir, 'ping.bin'), '-H', 'content-type: application/grpc', '-H', 'te: trailers', `https://127.0.0.1:${server.port}/rampart.test.v1.PingService/Ping`],
      { timeout: 120_000, maxBuffer: 1 << 20 },
    );
    const requests = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(stdout);
    expect(requests?.slice(1).map(Number)).toEqual([20_000, 20_000, 20_000, 20_000, 0, 0]);
    expect(probe.calls.filter((c) => c === 'ping')).toHaveLength(20_000);
    await server.servesValidCall();
  }, 120_000); // a budget, not a speed check: 20 000 calls take ~5 s on a quiet machine, far longer on a busy one
});
