import { rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockFileName, compileBlocks, moduleSource, type BlockResult } from '../src/compile.js';
import { docPages, readBlocks, type CodeBlock } from '../src/markdown.js';
import { RUN_CHECKS } from './run-checks.js';

// Every TypeScript block of README.md, the package and app READMEs and docs/**/*.md is type-checked as a module
// against the workspace packages (as a user imports them: `@rampart/server`, resolved to the built entry), with
// tools/docs-examples/examples as the reader's own code. A fragment opts out on its page with
// `<!-- not-compiled: reason -->` (and must really not compile on its own, or the marker goes); a block marked
// `<!-- run: check -->` is also run and judged by that check (test/run-checks.ts).

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../..');
const EXAMPLES = resolve(here, '../examples');

const blocks = docPages(ROOT).flatMap((page) => readBlocks(ROOT, page));
const nameOf = (block: CodeBlock): string => `${block.file}:${block.line}`;
const epilogueOf = (block: CodeBlock): string => {
  if (block.marker.kind !== 'run') return '';
  const check = RUN_CHECKS[block.marker.check];
  return check === undefined ? '' : `export { ${check.exports.join(', ')} };\n`;
};
const sourceOf = (block: CodeBlock): string => moduleSource(block, epilogueOf(block));

let results: Map<CodeBlock, BlockResult>;
let sceneryProblems: string[];
beforeAll(() => {
  const compiled = compileBlocks(EXAMPLES, blocks, sourceOf);
  results = new Map(compiled.results.map((result) => [result.block, result]));
  sceneryProblems = compiled.sceneryProblems;
}, 120_000);

const problemsOf = (block: CodeBlock): readonly string[] => {
  const result = results.get(block);
  if (result === undefined) throw new Error(`${nameOf(block)} was not compiled`);
  return result.problems;
};

describe('the TypeScript examples of the docs', () => {
  it('are found on the README, the package READMEs and docs/, and every run marker names a known check', () => {
    const pages = new Set(blocks.map((block) => block.file));
    expect([...pages]).toEqual(expect.arrayContaining(['README.md', 'packages/server/README.md', 'docs/getting-started.md']));
    const unknown = blocks.filter((block) => block.marker.kind === 'run' && RUN_CHECKS[block.marker.check] === undefined);
    expect(unknown.map(nameOf)).toEqual([]);
    expect(blocks.filter((block) => block.marker.kind === 'run').map((block) => block.file)).toContain('README.md');
  });

  it('have an examples folder (the reader\'s own code they assume) that compiles', () => {
    expect(sceneryProblems).toEqual([]);
  });

  const compiled = blocks.filter((block) => block.marker.kind !== 'not-compiled');
  it.each(compiled.map((block) => [nameOf(block), block] as const))('%s compiles', (_name, block) => {
    expect(problemsOf(block)).toEqual([]);
  });

  const fragments = blocks.flatMap((block) => (block.marker.kind === 'not-compiled' ? [[nameOf(block), block.marker.reason, block] as const] : []));
  it.each(fragments)('%s is a fragment (%s): it really does not compile on its own', (_name, _reason, block) => {
    expect(problemsOf(block).length).toBeGreaterThan(0);
  });

  const runnable = blocks.flatMap((block) => (block.marker.kind === 'run' ? [[nameOf(block), block.marker.check, block] as const] : []));
  it.each(runnable)('%s runs (check: %s)', async (_name, check, block) => {
    const file = blockFileName(EXAMPLES, block, 'run');
    await writeFile(file, sourceOf(block));
    try {
      await RUN_CHECKS[check]!.run(async () => (await import(pathToFileURL(file).href)) as Record<string, unknown>);
    } finally {
      await rm(file, { force: true });
    }
  }, 60_000);
});
