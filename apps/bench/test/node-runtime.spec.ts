import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentNode, NodeRuntimeError, parseNodeSpec, resolveNode, WITH_NODE_SCRIPT } from '../src/node-runtime.js';
import { existsSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'bench-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noFetch = (major: number): string => {
  throw new Error(`fetched Node ${major}`);
};

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

describe('--node values', () => {
  it('reads digits (with or without v) as a major version and anything else as a path', () => {
    expect(parseNodeSpec('24')).toEqual({ kind: 'major', major: 24 });
    expect(parseNodeSpec(' v22 ')).toEqual({ kind: 'major', major: 22 });
    expect(parseNodeSpec('/opt/node/bin/node')).toEqual({ kind: 'path', path: '/opt/node/bin/node' });
    expect(parseNodeSpec('./node')).toEqual({ kind: 'path', path: './node' });
  });

  it('refuses nothing and majors the bench cannot run on, saying why', () => {
    expect(errorOf(() => parseNodeSpec(''))).toBeInstanceOf(NodeRuntimeError);
    expect(errorOf(() => parseNodeSpec('16')).message).toBe('--node 16: the bench needs Node 18 or later');
  });
});

describe('resolving the Node binary', () => {
  it('is the running Node with no value, or with its own major, and fetches nothing then', () => {
    const current = currentNode();
    expect(current).toEqual({ path: process.execPath, version: process.version, major: Number(process.versions.node.split('.')[0]) });
    expect(resolveNode(undefined, noFetch)).toEqual(current);
    expect(resolveNode({ kind: 'major', major: current.major }, noFetch)).toEqual(current);
  });

  it('fetches another major through the fetcher, and checks that the binary it gives is that major', () => {
    const asked: number[] = [];
    // A fetcher that hands back the running binary for another major: the version check must catch it.
    const wrong = (major: number): string => (asked.push(major), process.execPath);
    const other = currentNode().major + 2;
    const error = errorOf(() => resolveNode({ kind: 'major', major: other }, wrong));
    expect(asked).toEqual([other]);
    expect(error.message).toBe(`--node ${other}: ${process.execPath} is Node ${process.version}`);
    expect(errorOf(() => resolveNode({ kind: 'major', major: other }, noFetch)).message).toContain(`could not fetch Node ${other} with scripts/with-node.sh`);
  });

  it('takes a path to a node binary and asks it for its version', () => {
    expect(resolveNode({ kind: 'path', path: process.execPath }, noFetch)).toEqual(currentNode());
  });

  it('refuses a path with no executable there, or one that is not Node, naming it', () => {
    const missing = join(dir, 'no-such-node');
    expect(errorOf(() => resolveNode({ kind: 'path', path: missing }, noFetch)).message).toBe(`--node ${missing}: no executable node binary there (ENOENT)`);
    const notExecutable = join(dir, 'not-executable');
    writeFileSync(notExecutable, 'x');
    expect(errorOf(() => resolveNode({ kind: 'path', path: notExecutable }, noFetch)).message).toBe(`--node ${notExecutable}: no executable node binary there (EACCES)`);
    expect(errorOf(() => resolveNode({ kind: 'path', path: dir }, noFetch)).message).toBe(`--node ${dir}: not a file`);
    const impostor = join(dir, 'impostor');
    writeFileSync(impostor, '#!/bin/sh\necho hello\n');
    chmodSync(impostor, 0o755);
    expect(errorOf(() => resolveNode({ kind: 'path', path: impostor }, noFetch)).message).toContain(`--node: ${impostor} does not run as Node.js`);
  });

  it('fetches with the repository\'s scripts/with-node.sh', () => {
    expect(existsSync(WITH_NODE_SCRIPT)).toBe(true);
    expect(WITH_NODE_SCRIPT.endsWith(join('scripts', 'with-node.sh'))).toBe(true);
  });
});
