import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RampartError } from '@rampart/core';
import type { ConfigSchemaFragment } from '@rampart/core';

/** A schema like the one the server and a database plugin contribute. */
export const SERVER_SCHEMA: ConfigSchemaFragment = {
  server: {
    port: { doc: 'gRPC port', format: 'port', default: 50051, env: 'RAMPART_SERVER_PORT' },
    host: { doc: 'Address to bind', format: String, default: '0.0.0.0', env: 'RAMPART_SERVER_HOST' },
    shutdownGraceMs: { doc: 'Grace period', format: 'duration-ms', default: 10_000 },
  },
};

export const DB_SCHEMA: ConfigSchemaFragment = {
  db: {
    url: { doc: 'Database URL', format: 'url', default: 'postgres://localhost/app', env: 'DB_URL' },
    password: { doc: 'Database password', format: String, default: null, sensitive: true, env: 'DB_PASSWORD' },
  },
};

/** A temporary directory under os.tmpdir(), removed by `cleanup()`. */
export interface TempDir {
  readonly dir: string;
  /** Writes a file (objects as JSON) and returns its path. */
  write(name: string, content: string | object): string;
  /** Creates a sub-directory and returns its path. */
  mkdir(name: string): string;
  cleanup(): void;
}

export function makeTempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-config-'));
  return {
    dir,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
    mkdir(name) {
      const path = join(dir, name);
      mkdirSync(path);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn`, which must throw a RampartError, and returns that error. */
export function catchRampartError(fn: () => unknown): RampartError {
  try {
    fn();
  } catch (error) {
    if (RampartError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a RampartError, but nothing was thrown');
}
