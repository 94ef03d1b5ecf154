import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isErrnoException, PRIVATE_FILE_MODE } from './private-files.js';

const LOCK_FILE = '.rampart-pki.lock';
const RETRY_MS = 25;
const WAIT_LIMIT_MS = 20_000;
const STALE_AFTER_MS = 30_000;

/**
 * Runs `work` while holding an exclusive lock file in `dir`, so that processes (or calls) that prepare
 * the same directory at the same time do not create two CAs. A lock older than 30 seconds is taken to be
 * left over by a crashed process and removed.
 *
 * @throws Error when the lock cannot be taken within 20 seconds.
 *
 * @example
 * ```ts
 * const paths = await withDirectoryLock(dir, () => writeEverything(dir));
 * ```
 */
export async function withDirectoryLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lockPath = join(dir, LOCK_FILE);
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', PRIVATE_FILE_MODE);
      await handle.close();
      break;
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'EEXIST') {
        throw error;
      }
    }
    if (await isStale(lockPath)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for the lock ${lockPath}; remove it if no other process holds it`);
    }
    await sleep(RETRY_MS);
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const info = await stat(lockPath);
    return Date.now() - info.mtimeMs > STALE_AFTER_MS;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}
