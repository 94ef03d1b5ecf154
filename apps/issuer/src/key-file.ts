import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RampartError } from '@rampart/core';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The one signing algorithm of this issuer. */
export const SIGNING_ALG = 'ES256';

/**
 * Where a key rotation stands (see `rotateKeys`):
 * - `stable`: one key, which signs;
 * - `published`: `[old, new]`, the new key is published but the old one still signs;
 * - `signing`: `[new, old]`, the new key signs and the old one stays published until its tokens expire.
 *
 * @example
 * ```ts
 * const stage: RotationStage = 'published';
 * ```
 */
export type RotationStage = 'stable' | 'published' | 'signing';

/**
 * The keys file: a JWK Set of private ES256 keys (the first one signs) plus the rotation state, which RFC 7517
 * allows as an extra member. Kept with mode 0600 in a git-ignored folder.
 *
 * @example
 * ```ts
 * const file: KeyFile = { keys: [privateJwk], rotation: { stage: 'stable', since: new Date().toISOString() } };
 * ```
 */
export interface KeyFile {
  readonly keys: readonly JWK[];
  readonly rotation: { readonly stage: RotationStage; readonly since: string };
}

const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;
const STAGES: readonly RotationStage[] = ['stable', 'published', 'signing'];

/**
 * A fresh ES256 private key as a JWK with `kid` (its RFC 7638 thumbprint), `alg` and `use`.
 *
 * @example
 * ```ts
 * const jwk = await generateSigningKey(); // { kty: 'EC', crv: 'P-256', d: '…', kid: '…', alg: 'ES256', use: 'sig' }
 * ```
 */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: SIGNING_ALG, use: 'sig' };
}

/**
 * The public part of a private JWK: what the JWKS endpoint publishes and verifiers use.
 *
 * @example
 * ```ts
 * const { keys } = await readKeyFile(path);
 * const jwks = { keys: keys.map(publicJwk) };
 * ```
 */
export function publicJwk(jwk: JWK): JWK {
  const { kty, crv, x, y, kid, alg, use } = jwk;
  return { kty, crv, x, y, kid, alg, use };
}

/**
 * Tightens a keys file readable by others than its owner to 0600. A file on a read-only mount that only its group
 * can read besides the owner is left as it is: that is a Kubernetes Secret mounted for the pod's `fsGroup`
 * (`defaultMode: 0440`), which the issuer cannot and need not change. A file others can read and that cannot be
 * tightened stops start-up.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` naming the file and the fix.
 */
export async function tightenMode(path: string, mode: number, change: typeof chmod = chmod): Promise<void> {
  if ((mode & 0o077) === 0) return;
  try {
    await change(path, PRIVATE_FILE_MODE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'EROFS' || code === 'EPERM') && (mode & 0o007) === 0) return;
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `the issuer keys file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}) and cannot be made 0600 (${String(code)}). Fix: chmod 600 it, or mount it readable by the owner and group only (a Kubernetes Secret with defaultMode 0440 and the pod's fsGroup)`,
      { cause: error },
    );
  }
}

/**
 * Reads and checks the keys file, tightening its mode to 0600 if it was looser. `undefined` when it does not exist.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` for a file that is not a valid keys file (its path named, no key material).
 *
 * @example
 * ```ts
 * const file = await readKeyFile('.rampart/issuer/keys.json');
 * ```
 */
export async function readKeyFile(path: string): Promise<KeyFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RampartError('ERR_CONFIG_INVALID', `cannot read the issuer keys file ${path}`, { cause: error });
  }
  await tightenMode(path, (await stat(path)).mode);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid(path, 'it is not JSON');
  }
  return checkKeyFile(data, path);
}

/**
 * Writes the keys file atomically (a temporary file in the same folder, then a rename), mode 0600, creating the
 * folder with mode 0700. With `exclusive`, an existing file is left alone and `false` is returned.
 *
 * @example
 * ```ts
 * await writeKeyFile(path, { keys: [await generateSigningKey()], rotation: { stage: 'stable', since } });
 * ```
 */
export async function writeKeyFile(path: string, file: KeyFile, options: { exclusive?: boolean } = {}): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (options.exclusive === true) {
      // link() fails when the target exists: the first of two concurrent starts wins, the other reads its keys.
      try {
        await link(temporary, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
      return true;
    }
    await rename(temporary, path);
    return true;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

function checkKeyFile(data: unknown, path: string): KeyFile {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { keys?: unknown }).keys)) {
    throw invalid(path, 'it has no "keys" array');
  }
  const { keys, rotation } = data as { keys: unknown[]; rotation?: unknown };
  if (keys.length === 0 || keys.length > 2) throw invalid(path, 'it must hold one or two keys');
  keys.forEach((key, i) => {
    const jwk = key as Record<string, unknown>;
    const ok =
      typeof key === 'object' &&
      key !== null &&
      jwk['kty'] === 'EC' &&
      jwk['crv'] === 'P-256' &&
      ['x', 'y', 'd', 'kid'].every((m) => typeof jwk[m] === 'string' && jwk[m] !== '') &&
      (jwk['alg'] === undefined || jwk['alg'] === SIGNING_ALG);
    if (!ok) throw invalid(path, `keys[${i}] is not a private EC P-256 (ES256) JWK with a kid`);
  });
  const kids = new Set(keys.map((k) => (k as JWK).kid));
  if (kids.size !== keys.length) throw invalid(path, 'two keys have the same kid');
  const stage = (rotation as { stage?: unknown } | undefined)?.stage ?? 'stable';
  const since = (rotation as { since?: unknown } | undefined)?.since ?? new Date(0).toISOString();
  if (!STAGES.includes(stage as RotationStage) || typeof since !== 'string' || Number.isNaN(Date.parse(since))) {
    throw invalid(path, 'its "rotation" must be { "stage": "stable" | "published" | "signing", "since": <ISO date> }');
  }
  if ((stage === 'stable') !== (keys.length === 1)) {
    throw invalid(path, `rotation stage "${stage as string}" does not match its ${keys.length} key(s)`);
  }
  const withAlg = keys.map((k) => ({ ...(k as JWK), alg: SIGNING_ALG, use: 'sig' }));
  return { keys: withAlg, rotation: { stage: stage as RotationStage, since } };
}

function invalid(path: string, why: string): RampartError {
  return new RampartError('ERR_CONFIG_INVALID', `the issuer keys file ${path} is invalid: ${why}`);
}
