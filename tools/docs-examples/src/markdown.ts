import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What the comment line(s) right above a code block say about it. */
export type BlockMarker =
  | { readonly kind: 'compiled' }
  | { readonly kind: 'not-compiled'; readonly reason: string }
  | { readonly kind: 'run'; readonly check: string };

/** One fenced TypeScript code block of a Markdown page. */
export interface CodeBlock {
  /** The page, relative to the repository root (`docs/guides/plugins.md`). */
  readonly file: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  /** The code, with the fence's indentation removed. */
  readonly code: string;
  readonly marker: BlockMarker;
}

/** A marker comment that names no known marker, or a run/not-compiled marker without its argument. */
export class MarkerError extends Error {}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const TYPESCRIPT = new Set(['ts', 'typescript', 'tsx', 'mts']);
const COMMENT = /^\s*<!--\s*(.*?)\s*-->\s*$/;

/**
 * The Markdown pages whose examples and links are checked: the root README, every package's and app's README,
 * and everything under docs/ (relative to `root`, sorted).
 *
 * @example
 * ```ts
 * docPages('/repo'); // ['README.md', 'apps/issuer/README.md', …, 'docs/security/tokens.md']
 * ```
 */
export function docPages(root: string): string[] {
  const readmes = ['packages', 'apps', 'tools'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(group, name, 'README.md'))
      .filter((file) => isFile(join(root, file))),
  );
  const docs = walk(join(root, 'docs')).filter((file) => file.endsWith('.md')).map((file) => relative(root, file));
  return ['README.md', ...readmes, ...docs].sort();
}

/**
 * The fenced code blocks of a page with their language, line and indentation handled (blocks inside list items are
 * indented), as `{ lang, line, code, comments }` where `comments` are the HTML comment lines right above the fence.
 *
 * @example
 * ```ts
 * fencedBlocks('text\n```ts\nconst a = 1;\n```\n'); // [{ lang: 'ts', line: 2, code: 'const a = 1;\n', comments: [] }]
 * ```
 */
export function fencedBlocks(text: string): { lang: string; line: number; code: string; comments: string[] }[] {
  const lines = text.split('\n');
  const blocks: { lang: string; line: number; code: string; comments: string[] }[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j += 1) {
      const line = lines[j] ?? '';
      const close = FENCE.exec(line);
      if (close !== null && close[2]?.startsWith(fence[0] ?? '`') === true && (close[2]?.length ?? 0) >= fence.length && close[3] === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    const comments: string[] = [];
    for (let k = i - 1; k >= 0; k -= 1) {
      const comment = COMMENT.exec(lines[k] ?? '');
      if (comment === null) break;
      comments.unshift(comment[1] ?? '');
    }
    blocks.push({ lang: lang.toLowerCase(), line: i + 1, code: body.length > 0 ? `${body.join('\n')}\n` : '', comments });
    i = j;
  }
  return blocks;
}

/**
 * The TypeScript blocks of a page and what each is marked: `<!-- not-compiled: why -->` (a fragment, shown but not
 * compiled), `<!-- run: check -->` (compiled, then run and judged by the named check), or nothing (compiled).
 * Other comments above a block (`<!-- example: name -->`) are left to whoever uses them.
 *
 * @throws MarkerError for `not-compiled` without a reason or `run` without a check name.
 * @example
 * ```ts
 * typescriptBlocks('docs/x.md', '<!-- not-compiled: a method body -->\n```ts\nreturn 1;\n```\n')[0]?.marker;
 * // { kind: 'not-compiled', reason: 'a method body' }
 * ```
 */
export function typescriptBlocks(file: string, text: string): CodeBlock[] {
  return fencedBlocks(text)
    .filter((block) => TYPESCRIPT.has(block.lang))
    .map(({ line, code, comments }) => ({ file, line, code, marker: markerOf(`${file}:${line}`, comments) }));
}

function markerOf(where: string, comments: readonly string[]): BlockMarker {
  const markers = comments
    .map((comment) => /^(not-compiled|run)\b\s*(?::\s*(.*))?$/.exec(comment))
    .filter((m): m is RegExpExecArray => m !== null);
  if (markers.length > 1) throw new MarkerError(`${where}: more than one marker above the block`);
  const [m] = markers;
  if (m === undefined) return { kind: 'compiled' };
  const argument = (m[2] ?? '').trim();
  if (argument === '') {
    throw new MarkerError(`${where}: <!-- ${m[1]}: … --> needs ${m[1] === 'run' ? 'the name of a run check' : 'a reason'}`);
  }
  return m[1] === 'run' ? { kind: 'run', check: argument } : { kind: 'not-compiled', reason: argument };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * Reads a page (relative to `root`) and returns its TypeScript blocks.
 *
 * @example
 * ```ts
 * const blocks = docPages(root).flatMap((page) => readBlocks(root, page));
 * ```
 */
export function readBlocks(root: string, file: string): CodeBlock[] {
  return typescriptBlocks(file, readFileSync(join(root, file), 'utf8'));
}
