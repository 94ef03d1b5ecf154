import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@rampart/codegen';
import { afterAll, describe, expect, it } from 'vitest';
import { rampart, removeTempDirs, REPO_ROOT, workspaceSkeleton } from './helpers.js';

afterAll(removeTempDirs);

/** Runs a node script of the repository's toolchain in `cwd`; resolves with its exit code and output. */
function node(script: string, args: readonly string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', script), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * A scaffolded app in a temporary copy of the workspace's skeleton (tsconfig.base.json, vitest.shared.ts,
 * eslint.config.js), its dependencies linked from the installed sample app (inventory has the same ones), so its own
 * typecheck, lint and tests run as they would in the repository.
 */
async function scaffold(kinds: string): Promise<string> {
  const root = workspaceSkeleton();
  for (const file of ['tsconfig.base.json', 'vitest.shared.ts', 'eslint.config.js']) copyFileSync(join(REPO_ROOT, file), join(root, file));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  const run = await rampart(['new', 'service', 'payments', '--root', root, '--no-install', '--kinds', kinds], root);
  expect(run.code, run.err).toBe(0);
  const app = join(root, 'apps', 'payments');
  symlinkSync(join(REPO_ROOT, 'apps', 'inventory', 'node_modules'), join(app, 'node_modules'));
  generate({ protoRoot: join(root, 'proto'), outDir: join(app, 'src', 'generated'), files: ['payments/v1/payments.proto'] });
  return app;
}

describe('a scaffolded service passes its own typecheck, lint and tests', () => {
  it.each(['unary,server-stream,client-stream,bidi', 'client-stream', 'server-stream,bidi'])(
    'with --kinds %s',
    async (kinds) => {
      const app = await scaffold(kinds);
      const tsc = node('typescript/bin/tsc', ['-p', 'tsconfig.json'], app);
      expect(tsc.status, tsc.output).toBe(0);
      const tests = node('vitest/vitest.mjs', ['run', '--reporter=dot'], app);
      expect(tests.status, tests.output).toBe(0);
      expect(tests.output).toMatch(/Tests\s+\d+ passed/);
      if (kinds.includes('unary')) {
        const lint = node('eslint/bin/eslint.js', ['src', 'test'], app);
        expect(lint.status, lint.output).toBe(0);
      }
    },
    90_000,
  );

  it('binds the service by its descriptor: without a handler it no longer compiles, naming the missing one', async () => {
    const app = await scaffold('unary,server-stream');
    const file = join(app, 'src', 'payments-service.ts');
    const source = readFileSync(file, 'utf8');
    const withoutGetItem = source.replace(/ {2}getItem\(req: GetItemRequest__Output\): Promise<Item> \{\n.*\n {2}\}\n\n/, '');
    expect(withoutGetItem).not.toBe(source);
    writeFileSync(file, withoutGetItem.replace('type GetItemRequest__Output,\n', ''));
    const tsc = node('typescript/bin/tsc', ['-p', 'tsconfig.json'], app);
    expect(tsc.status).not.toBe(0);
    expect(tsc.output).toContain('src/payments-service.ts');
    expect(tsc.output).toContain("Property 'getItem' is missing in type 'PaymentsService' but required in type 'ServiceHandlers<PaymentsServiceShape>'");
  }, 90_000);
});
