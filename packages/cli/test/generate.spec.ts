import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codegenArguments } from '../src/commands/generate.js';
import { rampart, removeTempDirs, workspaceSkeleton } from './helpers.js';

afterAll(removeTempDirs);

const PROTO = 'syntax = "proto3";\npackage acme.echo.v1;\nservice EchoService {\n  rpc Echo(Msg) returns (Msg);\n}\nmessage Msg {\n  string text = 1;\n}\n';

describe('rampart generate', () => {
  it('reads the arguments of a rampart-codegen script, and leaves anything else to the shell', () => {
    expect(codegenArguments('rampart-codegen --proto-root ../../proto --out src/generated a/v1/a.proto b/v1/b.proto')).toEqual({
      protoRoot: '../../proto',
      outDir: 'src/generated',
      files: ['a/v1/a.proto', 'b/v1/b.proto'],
    });
    expect(codegenArguments('rampart-codegen --out x')).toBeUndefined();
    expect(codegenArguments('rampart-codegen --proto-root p --out o && echo hi')).toBeUndefined();
    expect(codegenArguments('buf generate')).toBeUndefined();
  });

  it('regenerates every workspace package with a generate script, or one app', async () => {
    const root = workspaceSkeleton();
    mkdirSync(join(root, 'proto', 'acme', 'echo', 'v1'), { recursive: true });
    writeFileSync(join(root, 'proto', 'acme', 'echo', 'v1', 'echo.proto'), PROTO);
    for (const name of ['echo', 'other']) {
      mkdirSync(join(root, 'apps', name), { recursive: true });
      const generate =
        name === 'echo'
          ? 'rampart-codegen --proto-root ../../proto --out src/generated acme/echo/v1/echo.proto'
          : 'node -e "require(\'node:fs\').writeFileSync(\'marker.txt\', \'ran\')"';
      writeFileSync(join(root, 'apps', name, 'package.json'), JSON.stringify({ name, scripts: { generate } }));
    }
    mkdirSync(join(root, 'apps', 'plain'));
    writeFileSync(join(root, 'apps', 'plain', 'package.json'), JSON.stringify({ name: 'plain', scripts: {} }));

    const all = await rampart(['generate'], root);
    expect(all.code, all.err).toBe(0);
    expect(all.err).toContain('generating types for 2 package(s)');
    expect(all.err).toContain('apps/echo: 1 service(s) -> src/generated');
    const generated = readFileSync(join(root, 'apps', 'echo', 'src', 'generated', 'index.ts'), 'utf8');
    expect(generated).toContain("export * from './acme/echo/v1/echo.rampart.js';");
    expect(readFileSync(join(root, 'apps', 'other', 'marker.txt'), 'utf8')).toBe('ran');

    const one = await rampart(['generate', '--app', 'echo'], root);
    expect(one.code, one.err).toBe(0);
    expect(one.err).toContain('generating types for 1 package(s)');
    const none = await rampart(['generate', '--app', 'plain'], root);
    expect(none.code).toBe(1);
    expect(none.err).toContain('nothing to generate');
    expect(existsSync(join(root, 'apps', 'plain', 'src'))).toBe(false);
  });

  it('reports a failing generate script with its output', async () => {
    const root = workspaceSkeleton();
    mkdirSync(join(root, 'apps', 'broken'));
    writeFileSync(join(root, 'apps', 'broken', 'package.json'), JSON.stringify({ name: 'broken', scripts: { generate: 'echo boom >&2; exit 3' } }));
    const run = await rampart(['generate'], root);
    expect(run.code).toBe(1);
    expect(run.err).toContain('failed (exit 3)');
    expect(run.err).toContain('boom');
  });
});
