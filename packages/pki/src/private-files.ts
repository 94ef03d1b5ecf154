import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * File mode of private keys: owner read/write only.
 *
 * @example
 * ```ts
 * await writeFileAtomic(keyPath, keyPem, PRIVATE_FILE_MODE);
 * ```
 */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * File mode of certificates, which are public.
 *
 * @example
 * ```ts
 * await writeFileAtomic(certPath, certPem, PUBLIC_FILE_MODE);
 * ```
 */
export const PUBLIC_FILE_MODE = 0o644;

/**
 * Mode of the directory that holds keys: owner only.
 *
 * @example
 * ```ts
 * await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
 * ```
 */
export const PRIVATE_DIR_MODE = 0o700;

const checksModes = process.platform !== 'win32';

/**
 * Creates the directory (and missing parents) with mode 0700, or checks that an existing one is not
 * open to other users.
 *
 * @throws Error when the path is not a directory, or an existing directory grants any access to group or
 *   others (it is not changed: fix it with `chmod 700` or choose a private directory).
 *
 * @example
 * ```ts
 * await ensurePrivateDir('.rampart/pki');
 * ```
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const info = await stat(dir);
  if (!info.isDirectory()) {
    throw new Error(`${dir} is not a directory`);
  }
  if (created === undefined && checksModes && (info.mode & 0o077) !== 0) {
    throw new Error(
      `refusing to keep private keys in ${dir}: it is open to other users ` +
        `(mode ${(info.mode & 0o777).toString(8)}); run chmod 700 on it or use a private directory`,
    );
  }
}

/**
 * Writes a file atomically with the given mode: a temporary file in the same directory (created with
 * that mode, exclusive), flushed, then renamed over the target. Readers see the old or the new content,
 * never a part.
 *
 * @example
 * ```ts
 * await writeFileAtomic('/path/orders-key.pem', keyPem, PRIVATE_FILE_MODE);
 * ```
 */
export async function writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Reads a UTF-8 file, or returns `undefined` when it does not exist.
 *
 * @example
 * ```ts
 * const pem = await readIfPresent('/path/ca.pem');
 * ```
 */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Narrows the mode of an existing file to `mode` when it grants more than that.
 *
 * @example
 * ```ts
 * await tightenMode('/path/ca-key.pem', PRIVATE_FILE_MODE);
 * ```
 */
export async function tightenMode(path: string, mode: number): Promise<void> {
  if (!checksModes) {
    return;
  }
  const info = await stat(path);
  if ((info.mode & 0o777 & ~mode) !== 0) {
    await chmod(path, mode);
  }
}

/**
 * Whether a value is a Node.js system error with a `code`.
 *
 * @example
 * ```ts
 * if (isErrnoException(error) && error.code === 'EEXIST') { ... }
 * ```
 */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
