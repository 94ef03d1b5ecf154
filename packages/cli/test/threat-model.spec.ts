import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

// docs/security/threat-model.md claims, for every attack, where the code stops it and which test tries it, as
// links to lines of this repository followed by the symbol or test name they point at. Code moves; this keeps the
// page honest: every link must resolve, every line anchor must exist, and the quoted name must stand on that line.
const PAGE = join(REPO_ROOT, 'docs', 'security', 'threat-model.md');
const LINK = /\[([^\]]*)\]\(([^)\s]+)\)(?:\s*`([^`]+)`)?/g;

interface Claim {
  readonly target: string;
  readonly line: number | undefined;
  readonly quoted: string | undefined;
}

function claims(): Claim[] {
  const text = readFileSync(PAGE, 'utf8');
  return [...text.matchAll(LINK)]
    .filter((m) => !/^[a-z]+:/i.test(m[2] as string))
    .map((m) => {
      const [path, anchor] = (m[2] as string).split('#');
      const line = anchor !== undefined && /^L\d+$/.test(anchor) ? Number(anchor.slice(1)) : undefined;
      return { target: resolve(dirname(PAGE), path as string), line, quoted: m[3] };
    });
}

function problem({ target, line, quoted }: Claim): string | undefined {
  const name = relative(REPO_ROOT, target);
  if (!existsSync(target)) return `${name} does not exist`;
  if (line === undefined) return quoted !== undefined && !readFileSync(target, 'utf8').includes(quoted) ? `${name} has no "${quoted}"` : undefined;
  const lines = readFileSync(target, 'utf8').split('\n');
  if (line < 1 || line > lines.length) return `${name}#L${line} is past its end (${lines.length} lines)`;
  if (quoted !== undefined && !(lines[line - 1] as string).includes(quoted)) {
    const now = lines.findIndex((l) => l.includes(quoted));
    return `${name}#L${line} does not hold "${quoted}"${now >= 0 ? ` (it is on L${now + 1} now: update the link)` : ''}`;
  }
  return undefined;
}

describe('docs/security/threat-model.md', () => {
  it('links only to files that exist, to lines that hold the symbol or test name it quotes', () => {
    const all = claims();
    expect(all.length).toBeGreaterThan(100);
    expect(all.map(problem).filter((p) => p !== undefined)).toEqual([]);
  });

  it('names a test for every attack: each table row links a spec file with the test it means', () => {
    const rows = readFileSync(PAGE, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| attack') && !l.startsWith('| ---'));
    expect(rows.length).toBeGreaterThan(30);
    const withoutProof = rows.filter((row) => !/\.spec\.ts#L\d+\) `[^`]+`/.test(row.split(' | ')[2] ?? ''));
    expect(withoutProof).toEqual([]);
  });

  it('fails on a moved line (the check above can fail)', () => {
    const claim = claims().find((c) => c.line !== undefined && c.quoted !== undefined) as Claim;
    expect(problem({ ...claim, line: (claim.line as number) + 1 })).toMatch(/does not hold/);
  });
});
