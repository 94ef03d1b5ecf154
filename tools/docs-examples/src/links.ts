import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fencedBlocks } from './markdown.js';

/** A link of a page that resolves to nothing: the page, the line, the link as written and why. */
export interface BrokenLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly problem: string;
}

const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const HTML_ANCHOR = /<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g;

/**
 * The anchors GitHub gives the headings of a Markdown text (github-slugger's rule: the rendered text lower-cased,
 * everything but letters, digits, marks, `_`, `-` and spaces dropped, spaces turned into `-`, repeats numbered),
 * plus the ids of `<a id|name="…">` tags.
 *
 * @example
 * ```ts
 * headingAnchors('## Rotation without restarts\n## The `typ` (access token type)\n');
 * // Set { 'rotation-without-restarts', 'the-typ-access-token-type' }
 * ```
 */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  const inCode = codeLines(text);
  lines.forEach((line, i) => {
    if (inCode.has(i + 1)) return;
    for (const m of line.matchAll(HTML_ANCHOR)) anchors.add(m[1] ?? '');
    const heading = HEADING.exec(line);
    if (heading === null) return;
    const rendered = (heading[2] ?? '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
      .replace(/<[^>]+>/g, '') // inline HTML tags
      .replace(/`([^`]*)`/g, '$1')
      .replace(/(\*\*|__|\*)(.*?)\1/g, '$2');
    const base = rendered.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  });
  return anchors;
}

/** The 1-based line numbers that are inside fenced code blocks (fences included). */
function codeLines(text: string): Set<number> {
  const lines = new Set<number>();
  for (const block of fencedBlocks(text)) {
    const length = block.code === '' ? 0 : block.code.split('\n').length - 1;
    for (let n = block.line; n <= block.line + length + 1; n += 1) lines.add(n);
  }
  return lines;
}

/**
 * The relative links and anchors of one page (relative to `root`) that resolve to nothing: a missing file or
 * folder, an anchor no heading of the target page has, a line anchor (`#L12`) past the end of the file. Links in
 * code blocks and code spans are not links; absolute URLs (`https:`, `mailto:`) are not checked here.
 *
 * @example
 * ```ts
 * brokenLinks(root, 'docs/guides/plugins.md'); // [] when every link resolves
 * ```
 */
export function brokenLinks(root: string, file: string): BrokenLink[] {
  const text = readFileSync(join(root, file), 'utf8');
  const inCode = codeLines(text);
  const broken: BrokenLink[] = [];
  text.split('\n').forEach((raw, i) => {
    if (inCode.has(i + 1)) return;
    const line = raw.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, ''); // code spans hold no links
    const targets = [...line.matchAll(INLINE_LINK)].map((m) => m[1] ?? '');
    const reference = REFERENCE.exec(line);
    if (reference !== null) targets.push(reference[1] ?? '');
    for (const target of targets) {
      const problem = linkProblem(root, file, target);
      if (problem !== undefined) broken.push({ file, line: i + 1, target, problem });
    }
  });
  return broken;
}

function linkProblem(root: string, file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:, …
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = path === '' ? join(root, file) : normalize(join(root, dirname(file), path));
  const shown = relative(root, resolved);
  if (shown.startsWith('..')) return `${path} leaves the repository`;
  if (!existsSync(resolved)) return `${shown} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(resolved).isDirectory()) return `${shown} is a folder: it has no #${anchor}`;
  const content = readFileSync(resolved, 'utf8');
  const lineAnchor = /^L(\d+)(?:-L(\d+))?$/.exec(anchor);
  if (lineAnchor !== null && !resolved.endsWith('.md')) {
    const lines = content.split('\n').length;
    const last = Number(lineAnchor[2] ?? lineAnchor[1]);
    return last > lines ? `${shown}#${anchor} is past its end (${lines} lines)` : undefined;
  }
  if (!resolved.endsWith('.md')) return `${shown} is not a Markdown page: #${anchor} names nothing there`;
  return headingAnchors(content).has(anchor) ? undefined : `${shown} has no heading for #${anchor}`;
}
