/**
 * Docker's `.dockerignore` matching (moby/patternmatcher, as `docker build` applies it), enough to check a context:
 * patterns are cleaned and taken from the context's root; `*` and `?` stay within one path segment; `**` spans any
 * number of segments, zero included; a pattern that matches a parent folder excludes everything under it; `!` makes
 * an exception and the last matching line wins. Unlike `.gitignore`, a pattern without a slash does not match in
 * subfolders: `*.pem` excludes `ca.pem` but not `apps/x/ca.pem`.
 */
interface Pattern {
  readonly exclusion: boolean;
  readonly regex: RegExp;
}

function toRegex(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i] as string;
    if (ch === '*' && pattern[i + 1] === '*') {
      i += 1;
      if (pattern[i + 1] === '/') i += 1;
      source += i + 1 >= pattern.length ? '.*' : '(.*/)?';
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${source}$`);
}

/** The patterns of a `.dockerignore` text, in order. */
function parse(dockerignore: string): Pattern[] {
  return dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclusion = line.startsWith('!');
      const path = (exclusion ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { exclusion, regex: toRegex(path) };
    });
}

/** Whether `path` (relative to the context's root, `/`-separated) is left out of the build context. */
export function dockerIgnores(dockerignore: string, path: string): boolean {
  const segments = path.split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const pattern of parse(dockerignore)) {
    if (candidates.some((candidate) => pattern.regex.test(candidate))) ignored = !pattern.exclusion;
  }
  return ignored;
}
