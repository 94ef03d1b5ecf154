import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { freePort } from '../src/index.js';
import { linksLeaving, startDeployed, workspaceRoot } from '../src/internal.js';

// The helpers the deploy tests of the apps stand on; the apps' tests run the real `pnpm deploy`.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-deployed-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake deployed app: `dist/main.js` with `body`. */
function fakeApp(body: string): string {
  const app = join(dir, 'app');
  mkdirSync(join(app, 'dist'), { recursive: true });
  writeFileSync(join(app, 'dist', 'main.js'), body);
  return app;
}

describe('linksLeaving', () => {
  it('accepts links inside the folder and reports links out of it and dangling ones', () => {
    const app = join(dir, 'app');
    mkdirSync(join(app, 'node_modules', '.pnpm', 'pkg'), { recursive: true });
    mkdirSync(join(dir, 'repo'));
    symlinkSync(join(app, 'node_modules', '.pnpm', 'pkg'), join(app, 'node_modules', 'inside'));
    expect(linksLeaving(app)).toEqual([]);
    symlinkSync(join(dir, 'repo'), join(app, 'node_modules', 'outside'));
    symlinkSync(join(dir, 'gone'), join(app, 'node_modules', 'dangling'));
    expect(linksLeaving(app).sort()).toEqual([
      join('node_modules', 'dangling') + ' -> (dangling)',
      expect.stringMatching(/^node_modules[/\\]outside -> .*repo$/),
    ]);
  });
});

describe('workspaceRoot', () => {
  it('finds the folder with pnpm-workspace.yaml above the current one, and says when there is none', () => {
    expect(workspaceRoot()).toBe(join(import.meta.dirname, '..', '..', '..'));
    expect(() => workspaceRoot(dir)).toThrow(/no pnpm-workspace\.yaml/);
  });
});

describe('startDeployed', () => {
  it('waits for the listening line, passes only PATH and the given env, and stops with SIGTERM', async () => {
    // The SIGTERM handler goes first: a stop may arrive as soon as the listening line is out.
    const app = fakeApp(`
      process.once('SIGTERM', () => process.exit(0));
      console.log('not json');
      console.log(JSON.stringify({ msg: 'health port listening (plaintext)' }));
      console.log(JSON.stringify({ msg: 'x listening', address: '127.0.0.1:1', env: Object.keys(process.env).sort() }));
      setInterval(() => {}, 1000);
    `);
    process.env['RAMPART_LEAK_CHECK'] = '1';
    try {
      const started = await startDeployed(app, { RAMPART_X: 'y' });
      expect(started.listening).toMatchObject({ address: '127.0.0.1:1', env: ['PATH', 'RAMPART_X'] });
      expect(started.has('dist/main.js')).toBe(true);
      expect(started.has('src')).toBe(false);
      expect(await started.stop()).toEqual({ code: 0, signal: null });
    } finally {
      delete process.env['RAMPART_LEAK_CHECK'];
    }
  });

  it('rejects with the output when the app exits before listening, or never listens', async () => {
    await expect(startDeployed(fakeApp(`console.error('could not load protos'); process.exit(1);`), {})).rejects.toThrow(
      /exited \(1\) before listening:\ncould not load protos/,
    );
    await expect(startDeployed(fakeApp('setInterval(() => {}, 1000);'), {}, 300)).rejects.toThrow(/no "listening" log line within 300 ms/);
  });
});

describe('freePort', () => {
  it('gives a port that can be listened on right away', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((done, fail) => server.once('error', fail).listen(port, '127.0.0.1', done));
    await new Promise((done) => server.close(done));
  });
});
