import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brokenLinks } from '../src/links.js';
import { docPages } from '../src/markdown.js';

// Relative links between the pages (README.md, the package and app READMEs, docs/**) resolve: the file or folder
// exists, an anchor names a heading of the target page, a line anchor is inside the file.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the links of the docs', () => {
  it.each(docPages(ROOT))('%s: every relative link and anchor resolves', (page) => {
    expect(brokenLinks(ROOT, page).map(({ line, target, problem }) => `${page}:${line} ${target}: ${problem}`)).toEqual([]);
  });
});
