import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileBlocks } from '../src/compile.js';
import { brokenLinks, headingAnchors } from '../src/links.js';
import { MarkerError, fencedBlocks, typescriptBlocks } from '../src/markdown.js';

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../examples');

describe('code blocks of a page', () => {
  it('are found with their language and line, also indented in a list item, with the indentation removed', () => {
    const page = ['# Title', '', '1. Start it:', '', '   ```ts', '   const a = 1;', '     const b = 2;', '   ```', '', '~~~sh', 'ls', '~~~', ''].join('\n');
    expect(fencedBlocks(page)).toEqual([
      { lang: 'ts', line: 5, code: 'const a = 1;\n  const b = 2;\n', comments: [] },
      { lang: 'sh', line: 10, code: 'ls\n', comments: [] },
    ]);
  });

  it('carry the marker above them: not-compiled with its reason, run with its check, nothing: compiled', () => {
    const page = [
      '<!-- not-compiled: a method body -->', '```ts', 'return 1;', '```',
      '<!-- example: tenant -->', '<!-- run: inventory-service -->', '```ts', 'x;', '```',
      '```typescript', 'y;', '```',
      '```json', '{}', '```',
    ].join('\n');
    expect(typescriptBlocks('p.md', page).map((block) => [block.line, block.marker])).toEqual([
      [2, { kind: 'not-compiled', reason: 'a method body' }],
      [7, { kind: 'run', check: 'inventory-service' }],
      [10, { kind: 'compiled' }],
    ]);
  });

  it('refuse a not-compiled marker without a reason, a run marker without a check, and two markers', () => {
    expect(() => typescriptBlocks('p.md', '<!-- not-compiled -->\n```ts\nx;\n```\n')).toThrow(MarkerError);
    expect(() => typescriptBlocks('p.md', '<!-- run: -->\n```ts\nx;\n```\n')).toThrow(/p\.md:2: .*needs the name of a run check/);
    expect(() => typescriptBlocks('p.md', '<!-- run: a -->\n<!-- not-compiled: b -->\n```ts\nx;\n```\n')).toThrow(/more than one marker/);
  });
});

describe('compiling blocks', () => {
  it('reports each problem at its line of the page, checks against the real package types, and passes a correct block', () => {
    const page = [
      '```ts', "import { RampartError } from '@rampart/core';", "const n: number = 'one';", "new RampartError('ERR_NO_SUCH_CODE', 'x');", '```',
      '```ts', 'createApp({ nme: "x" });', '```',
      '```ts', "import { Status } from '@rampart/core';", 'const s: number = Status.NOT_FOUND;', 'await Promise.resolve(s);', '```',
    ].join('\n');
    const blocks = typescriptBlocks('docs/fake.md', page);
    const { results } = compileBlocks(EXAMPLES, blocks);
    const [wrong, misspelt, right] = results.map((result) => result.problems);
    expect(wrong).toEqual([expect.stringMatching(/^docs\/fake\.md:3: TS2322 /), expect.stringMatching(/^docs\/fake\.md:4: TS2345 .*ERR_NO_SUCH_CODE/)]);
    expect(misspelt).toEqual([expect.stringMatching(/^docs\/fake\.md:7: TS2561 .*'nme'/)]);
    expect(right).toEqual([]);
  }, 60_000);
});

describe('anchors and links', () => {
  it('give headings the anchors GitHub gives them', () => {
    const page = '# Rotation without restarts\n## The `typ` (access token type)\n## Auth plugin (`rampartAuth()`, [x](y))\n## Setup\n## Setup\n```sh\n# not a heading\n```\n<a id="custom"></a>\n';
    expect([...headingAnchors(page)].sort()).toEqual(
      ['auth-plugin-rampartauth-x', 'custom', 'rotation-without-restarts', 'setup', 'setup-1', 'the-typ-access-token-type'].sort(),
    );
  });

  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'docs-links-'));
    await mkdir(join(root, 'docs', 'guides'), { recursive: true });
    await writeFile(join(root, 'docs', 'target.md'), '# Target\n## A section\n');
    await writeFile(join(root, 'code.ts'), 'line 1\nline 2\n');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('are reported when a file, a heading or a line is missing; code, code spans and URLs are not links', async () => {
    await writeFile(join(root, 'docs', 'guides', 'page.md'), [
      '# Page',
      '[ok](../target.md#a-section) [ok](#page) [ok](../../code.ts#L2) [ok](https://example.com/x.md) [ok](../)',
      '[gone](../missing.md) [no heading](../target.md#no-such) [past](../../code.ts#L9)',
      '`[not a link](nowhere.md)`',
      '```md', '[not a link](nowhere.md)', '```',
      '[ref]: ../also-missing.md',
    ].join('\n'));
    expect(brokenLinks(root, 'docs/guides/page.md').map(({ line, target, problem }) => `${line} ${target}: ${problem}`)).toEqual([
      '3 ../missing.md: docs/missing.md does not exist',
      '3 ../target.md#no-such: docs/target.md has no heading for #no-such',
      '3 ../../code.ts#L9: code.ts#L9 is past its end (3 lines)',
      '8 ../also-missing.md: docs/also-missing.md does not exist',
    ]);
  });
});
