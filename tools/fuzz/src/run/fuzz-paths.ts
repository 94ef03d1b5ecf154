import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where the fuzz tool's files are, from the package root: the built targets (`dist`), the committed seed corpora and
 * dictionaries (`corpus`), and everything a run writes (`out`, git-ignored: grown corpus, crashes, logs, the patched
 * addon).
 */
export const FUZZ_PATHS = {
  root,
  dist: join(root, 'dist'),
  corpus: join(root, 'corpus'),
  out: join(root, 'out'),
} as const;
