import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/report/results.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const redis = spawnSync(process.env.RAMPART_REDIS_SERVER_BIN ?? 'redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!redis && process.env.RAMPART_REQUIRE_REDIS) throw new Error('redis-server is required here (RAMPART_REQUIRE_REDIS is set): apt-get install redis-server');
const SKIP = redis ? '' : ' [SKIPPED: redis-server is not installed; set RAMPART_REQUIRE_REDIS=1 to fail instead]';

/** Runs `node dist/main.js args`, resolving with its exit code and output. */
function rollout(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!redis)(`pnpm rollout, short: one inventory replica replaced under light load${SKIP}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollout-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no call, the new replica gets traffic, a one-time token is refused at the second replica', async () => {
    const args = ['--inventory', '2', '--orders', '1', '--restart', 'inventory', '--replace', '1', '--before', '3', '--after', '6'];
    const { code, output } = await rollout([...args, '--rate', '10', '--channels', '2', '--results', dir]);
    const result = JSON.parse(readFileSync(join(dir, 'rollout.json'), 'utf8')) as RunResult;
    expect(output).toMatch(/\d+ calls, 0 failed/);
    expect(code, output).toBe(0);
    expect(result.total.failed).toBe(0);
    expect(result.total.calls).toBeGreaterThan(80);
    for (const kind of ['PlaceOrder', 'GetOrder', 'ImportOrders', 'TrackOrders'] as const) expect(result.byKind[kind].calls).toBeGreaterThan(5);
    // Which of the two starts first (and is replaced first) depends on which became SERVING first.
    const exited = result.replicas.filter((r) => r.id.startsWith('inventory-') && !r.replacement && r.exitCode !== undefined);
    expect(exited.map((r) => r.exitCode)).toEqual([0]);
    const replaced = exited[0];
    expect(replaced?.shutdownLog.join('\n')).toMatch(/NOT_SERVING[\s\S]*GOAWAY[\s\S]*stopped/);
    const fresh = result.replicas.find((r) => r.id === 'inventory-3');
    expect(fresh?.replacement).toBe(true);
    expect(fresh?.served).toBeGreaterThan(0);
    expect(fresh?.firstCallAfterMs).toBeLessThanOrEqual(result.trafficBoundMs ?? 0);
    expect(result.replay[0]?.firstStatus).toMatch(/^OK/);
    expect(result.replay[0]?.secondStatus).toMatch(/^UNAUTHENTICATED/);
    expect(readFileSync(join(dir, 'rollout.svg'), 'utf8')).toContain('inventory-3');
  }, 90_000);
});
