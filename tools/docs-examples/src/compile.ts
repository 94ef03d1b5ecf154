import { join, resolve } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './markdown.js';

/** The outcome of type-checking one block: the problems, each as `page:line: TSxxxx message`. */
export interface BlockResult {
  readonly block: CodeBlock;
  /** Where the block was compiled as a module (a file name inside the examples folder; it is never written). */
  readonly fileName: string;
  readonly problems: readonly string[];
}

/**
 * The module a block is compiled (and run) as: its code, then `export {};` so a block with no import or export is
 * a module of its own (its names do not leak into other blocks, and top-level `await` works), then `epilogue`
 * (a run check's `export { app };`).
 *
 * @example
 * ```ts
 * moduleSource(block, 'export { app };\n');
 * ```
 */
export function moduleSource(block: CodeBlock, epilogue = ''): string {
  return `${block.code}\nexport {};\n${epilogue}`;
}

/**
 * The file name a block gets inside `examplesDir`: from its page and line (`doc-docs-guides-plugins-md-L195.ts`),
 * so relative imports in the block (`./generated/index.js`) resolve to the examples folder's modules.
 *
 * @example
 * ```ts
 * blockFileName('/repo/tools/docs-examples/examples', block);
 * ```
 */
export function blockFileName(examplesDir: string, block: CodeBlock, prefix = 'doc'): string {
  return join(examplesDir, `${prefix}-${block.file.replace(/[^A-Za-z0-9]+/g, '-')}-L${block.line}.ts`);
}

/**
 * Type-checks every block as its own module in one TypeScript program, with the compiler options of
 * `examplesDir/tsconfig.json` and the modules of that folder (what the pages take as the reader's own code) as
 * its other files. Workspace packages resolve as a user's project would resolve them: `@rampart/server` through
 * node_modules to the package's published entry (its built `dist`). The blocks are never written to disk.
 *
 * @example
 * ```ts
 * for (const { block, problems } of compileBlocks(examplesDir, blocks)) expect(problems).toEqual([]);
 * ```
 */
export function compileBlocks(
  examplesDir: string,
  blocks: readonly CodeBlock[],
  sourceOf: (block: CodeBlock) => string = (block) => moduleSource(block),
): { results: BlockResult[]; sceneryProblems: string[] } {
  const dir = resolve(examplesDir);
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error(`cannot read ${join(dir, 'tsconfig.json')}`);
  const virtual = new Map(blocks.map((block) => [blockFileName(dir, block), block]));
  const texts = new Map([...virtual].map(([name, block]) => [name, sourceOf(block)]));
  const host = ts.createCompilerHost(config.options);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => texts.has(resolve(name)) || fileExists(name);
  host.readFile = (name) => texts.get(resolve(name)) ?? readFile(name);
  host.getSourceFile = (name, language, onError, create) => {
    const text = texts.get(resolve(name));
    return text === undefined ? getSourceFile(name, language, onError, create) : ts.createSourceFile(name, text, language, true);
  };
  const program = ts.createProgram({ rootNames: [...config.fileNames, ...virtual.keys()], options: config.options, host });
  const results = [...virtual].map(([fileName, block]) => {
    const source = program.getSourceFile(fileName);
    const diagnostics = source === undefined ? [] : ts.getPreEmitDiagnostics(program, source);
    return { block, fileName, problems: diagnostics.map((d) => describe(d, block)) };
  });
  const sceneryProblems = [
    ...program.getGlobalDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...config.fileNames.flatMap((name) => {
      const source = program.getSourceFile(name);
      return source === undefined ? [] : ts.getPreEmitDiagnostics(program, source);
    }),
  ].map((d) => describe(d));
  return { results, sceneryProblems };
}

/** A diagnostic as `page:line: TSxxxx message`, the line counted in the Markdown page when it is a block's. */
function describe(d: ts.Diagnostic, block?: CodeBlock): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
  if (d.file === undefined || d.start === undefined) return `TS${d.code} ${message}`;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  const where = block === undefined ? `${d.file.fileName}:${line + 1}` : `${block.file}:${block.line + 1 + line}`;
  return `${where}: TS${d.code} ${message}`;
}
