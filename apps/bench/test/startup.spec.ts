import { PROTO_LOADER_OPTIONS } from '@rampart/codegen';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtures } from '../src/fixtures.js';
import { freePort } from '../src/free-port.js';
import type { Fixtures } from '../src/ipc.js';
import { BARE_LOADER_OPTIONS, startBareWithHealth } from '../src/servers/bare-health.js';
import { isServing, waitUntilServing } from '../src/startup/probe.js';
import { phasesFromLog, renderStartupMarkdown, summarizeStartup } from '../src/startup/startup-results.js';
import { readFileSync } from 'node:fs';

describe('start-up figures', () => {
  const runs = new Map([
    ['grpc', [300, 320, 310, 400, 305]],
    ['rampart', [600, 640, 620, 900, 610]],
    ['nest', [800, 810]],
  ] as const);

  it('gives each server its median, p90 and fastest start, and the ratio of medians to bare grpc-js', () => {
    const s = summarizeStartup(new Map([...runs].map(([k, v]) => [k, [...v]])), { node: 'v22.23.5', runs: 5, pinned: true }, null);
    expect(s.servers.grpc).toMatchObject({ median_ms: 310, p90_ms: 400, min_ms: 300, vs_bare: 1 });
    expect(s.servers.rampart).toMatchObject({ median_ms: 620, p90_ms: 900, min_ms: 600, vs_bare: 2 });
    expect(s.servers.nest).toMatchObject({ median_ms: 805, p90_ms: 810, vs_bare: 2.597 });
    expect(s.target).toEqual({ limit: 1.5, value: 2, pass: false });
    expect(s.node).toBe('v22.23.5');
  });

  it('reports the bundled app as its own row and its own phases, leaving the target to the app as built', () => {
    const withBundle = new Map<string, number[]>([...runs].map(([k, v]) => [k, [...v]]));
    withBundle.set('rampart-bundle', [450, 470, 465]);
    const s = summarizeStartup(withBundle as Map<never, number[]>, { node: 'v24.22.3', runs: 3, pinned: false }, { moduleLoad: 400 }, { moduleLoad: 150 });
    expect(s.servers['rampart-bundle']).toMatchObject({ median_ms: 465, vs_bare: 1.5 });
    expect(s.target.value).toBe(2);
    const md = renderStartupMarkdown(s);
    expect(md).toContain('| Rampart, bundled (esbuild) | 465 | 470 | 450 | 1.50× |');
    expect(md).toContain('The same for the bundled app: moduleLoad 150.0.');
  });

  it('has no ratio and no verdict without the bare figure', () => {
    const s = summarizeStartup(new Map([['rampart', [500]]]), { node: 'v24.22.3', runs: 1, pinned: false }, null);
    expect(s.servers.rampart?.vs_bare).toBeNull();
    expect(s.target.pass).toBeNull();
  });

  it('reads the app\'s phases from its JSON log line and ignores other output', () => {
    const stdout = [
      'not json "phasesMs"',
      JSON.stringify({ level: 30, msg: 'something else' }),
      JSON.stringify({ level: 20, msg: 'inventory start-up phases', phasesMs: { moduleLoad: 412.345, protos: 80.04, listen: 12 }, totalMs: 504.4 }),
      '',
    ].join('\n');
    expect(phasesFromLog(stdout)).toEqual({ moduleLoad: 412.3, protos: 80, listen: 12 });
    expect(phasesFromLog('{"level":30,"msg":"listening"}\n')).toBeNull();
  });

  it('renders a table with every server, the target verdict and the phases, naming the Node', () => {
    const s = summarizeStartup(new Map([...runs].map(([k, v]) => [k, [...v]])), { node: 'v24.22.3', runs: 5, pinned: true }, { moduleLoad: 400, listen: 20 });
    const md = renderStartupMarkdown(s);
    expect(md).toContain('Node v24.22.3');
    expect(md).toContain('| bare grpc-js mTLS + health | 310 | 400 | 300 | 1.00× |');
    expect(md).toContain('| Rampart (apps/inventory) | 620 | 900 | 600 | 2.00× |');
    expect(md).toContain('2.00×, **MISS**');
    expect(md).toContain('moduleLoad 400.0, listen 20.0');
  });
});

describe('the start-up baseline and the probe', () => {
  let fixtures: Fixtures;
  let cleanup: () => void;
  beforeAll(async () => ({ fixtures, cleanup } = await createFixtures(1)));
  afterAll(() => cleanup());

  it('the bare server loads its proto with the options Rampart uses', () => {
    expect(BARE_LOADER_OPTIONS).toEqual(PROTO_LOADER_OPTIONS);
  });

  it('waits through refused connections until the server answers SERVING over mTLS', async () => {
    const port = await freePort();
    const tls = {
      caPem: readFileSync(fixtures.caFile, 'utf8'),
      certPem: readFileSync(fixtures.clientCertFile, 'utf8'),
      keyPem: readFileSync(fixtures.clientKeyFile, 'utf8'),
    };
    const probing = waitUntilServing({ port, tls }, 20_000, () => undefined);
    let before = 0;
    setTimeout(() => {
      before = performance.now();
      void startBareWithHealth(fixtures, port);
    }, 150);
    const at = await probing;
    expect(before).toBeGreaterThan(0); // it was still waiting when the server began to start
    expect(at).toBeGreaterThan(before);
  });

  it('gives up when the process is gone, or at the timeout with the last answer', async () => {
    const port = await freePort();
    await expect(waitUntilServing({ port }, 5_000, () => 'code 1')).rejects.toThrow('the server exited before it was SERVING: code 1');
    await expect(waitUntilServing({ port }, 50, () => undefined)).rejects.toThrow(/not SERVING within 50 ms \(last: .*ECONNREFUSED/);
  });

  it('counts only a SERVING answer as serving', () => {
    expect(isServing({ status: 0, message: '', messages: [Buffer.from([8, 1])] })).toBe(true);
    expect(isServing({ status: 0, message: '', messages: [Buffer.from([8, 2])] })).toBe(false); // NOT_SERVING
    expect(isServing({ status: 12, message: 'unimplemented', messages: [] })).toBe(false);
  });
});
