import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Node.js binary the bench's child processes (servers, load generators, start-up runs) run on. */
export interface NodeRuntime {
  /** Absolute path of the `node` binary. */
  readonly path: string;
  /** `process.version` of that binary, e.g. `v24.22.0`. */
  readonly version: string;
  readonly major: number;
}

/** What `--node` names: a major version (fetched into the cache when it is not the running one) or a binary. */
export type NodeSpec = { readonly kind: 'major'; readonly major: number } | { readonly kind: 'path'; readonly path: string };

/** A `--node` value the bench cannot use: the message says which and why. */
export class NodeRuntimeError extends Error {
  override readonly name = 'NodeRuntimeError';
}

/** `scripts/with-node.sh`, which fetches Node's official build (the npm registry's `node-linux-<arch>`) into `.cache/node`. */
export const WITH_NODE_SCRIPT = fileURLToPath(new URL('../../../scripts/with-node.sh', import.meta.url));

/**
 * Reads a `--node` value: digits are a major version (18 or later), anything else a path to a binary.
 *
 * @example
 * ```ts
 * parseNodeSpec('24'); // { kind: 'major', major: 24 }
 * parseNodeSpec('/opt/node-22/bin/node'); // { kind: 'path', path: '/opt/node-22/bin/node' }
 * ```
 */
export function parseNodeSpec(text: string): NodeSpec {
  const trimmed = text.trim();
  if (trimmed === '') throw new NodeRuntimeError('--node takes a major version (22, 24) or the path of a node binary, got nothing');
  if (/^v?\d+$/.test(trimmed)) {
    const major = Number(trimmed.replace(/^v/, ''));
    if (major < 18) throw new NodeRuntimeError(`--node ${trimmed}: the bench needs Node 18 or later`);
    return { kind: 'major', major };
  }
  return { kind: 'path', path: trimmed };
}

/** The version a node binary reports (`<path> -p process.version`). */
export function nodeVersionOf(path: string): string {
  const version = execFileSync(path, ['-p', 'process.version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  if (!/^v\d+\.\d+\.\d+/.test(version)) throw new NodeRuntimeError(`${path} reported '${version}', not a Node.js version`);
  return version;
}

const majorOf = (version: string): number => Number(version.replace(/^v/, '').split('.')[0]);

/** The Node running the bench itself. */
export function currentNode(): NodeRuntime {
  return { path: process.execPath, version: process.version, major: majorOf(process.version) };
}

/** How {@link resolveNode} fetches a major version: runs `scripts/with-node.sh <major> node -p process.execPath`. */
export type NodeFetcher = (major: number) => string;

const fetchWithScript: NodeFetcher = (major) =>
  execFileSync(WITH_NODE_SCRIPT, [String(major), 'node', '-p', 'process.execPath'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 10 * 60_000,
  }).trim();

/**
 * The binary a `--node` value names. No value, or the running Node's major: the running binary (nothing fetched).
 * Another major: Node's official Linux build from `.cache/node/<major>`, fetched there by `scripts/with-node.sh` on
 * first use (the only download the bench makes). A path: that binary, which must exist and run.
 *
 * @throws NodeRuntimeError naming the value and what is wrong with it.
 */
export function resolveNode(spec: NodeSpec | undefined, fetch: NodeFetcher = fetchWithScript): NodeRuntime {
  const current = currentNode();
  if (spec === undefined || (spec.kind === 'major' && spec.major === current.major)) return current;
  let path: string;
  if (spec.kind === 'major') {
    try {
      path = fetch(spec.major);
    } catch (error) {
      throw new NodeRuntimeError(`--node ${spec.major}: could not fetch Node ${spec.major} with scripts/with-node.sh (${String(error)})`);
    }
  } else {
    path = spec.path;
    try {
      if (!statSync(path).isFile()) throw new NodeRuntimeError(`--node ${path}: not a file`);
      accessSync(path, constants.X_OK);
    } catch (error) {
      if (error instanceof NodeRuntimeError) throw error;
      throw new NodeRuntimeError(`--node ${path}: no executable node binary there (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  let version: string;
  try {
    version = nodeVersionOf(path);
  } catch (error) {
    throw new NodeRuntimeError(`--node: ${path} does not run as Node.js (${error instanceof Error ? error.message : String(error)})`);
  }
  const major = majorOf(version);
  if (spec.kind === 'major' && major !== spec.major) throw new NodeRuntimeError(`--node ${spec.major}: ${path} is Node ${version}`);
  return { path, version, major };
}
