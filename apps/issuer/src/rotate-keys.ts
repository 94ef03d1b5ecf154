import { RampartError } from '@rampart/core';
import { generateSigningKey, readKeyFile, writeKeyFile, type KeyFile, type RotationStage } from './key-file.js';

/**
 * Options of {@link rotateKeys}.
 *
 * @example
 * ```ts
 * const options: RotateKeysOptions = { retireAfterSec: 300 + 60 };
 * ```
 */
export interface RotateKeysOptions {
  /**
   * The last step (removing the old key) is refused until this many seconds have passed since the new key started
   * signing, so that every token the old key signed has expired: use at least the longest access token lifetime
   * plus verifiers' clock tolerance. Default 600.
   */
  readonly retireAfterSec?: number;
  /** The current time (tests). */
  readonly now?: Date;
}

/**
 * What one {@link rotateKeys} call did.
 *
 * @example
 * ```ts
 * const { stage, signingKid, publishedKids } = await rotateKeys(path);
 * ```
 */
export interface RotationResult {
  /** The stage the file is in now. */
  readonly stage: RotationStage;
  /** The kid that signs once the issuer has been restarted. */
  readonly signingKid: string;
  /** Every kid the JWKS endpoint publishes once the issuer has been restarted. */
  readonly publishedKids: readonly string[];
  /** A sentence for the operator: what changed and what to do next. */
  readonly message: string;
}

const DEFAULT_RETIRE_AFTER_SEC = 600;

/**
 * Moves the keys file one step through a key rotation; the issuer reads the file at start-up, so restart it after
 * each step. The first key signs, every key is published:
 *
 * 1. `[old]` → `[old, new]` (stage `published`): the new key is published, the old one still signs. Wait until
 *    verifiers have fetched the new JWKS (their JWKS cache lifetime), then run the next step.
 * 2. `[old, new]` → `[new, old]` (stage `signing`): the new key signs; the old one stays published, so tokens it
 *    signed still verify.
 * 3. `[new, old]` → `[new]` (stage `stable`): the old key is removed, refused until `retireAfterSec` seconds have
 *    passed since step 2, when every token it signed has expired.
 *
 * @throws RampartError `ERR_FAILED_PRECONDITION` when the file does not exist or step 3 comes too early;
 *   `ERR_CONFIG_INVALID` when the file is invalid.
 *
 * @example
 * ```ts
 * await rotateKeys('.rampart/issuer/keys.json'); // [old] → [old, new]; restart the issuer
 * await rotateKeys('.rampart/issuer/keys.json'); // [old, new] → [new, old]; restart the issuer
 * await rotateKeys('.rampart/issuer/keys.json', { retireAfterSec: 360 }); // later: [new]; restart the issuer
 * ```
 */
export async function rotateKeys(path: string, options: RotateKeysOptions = {}): Promise<RotationResult> {
  const now = options.now ?? new Date();
  const file = await readKeyFile(path);
  if (file === undefined) {
    throw new RampartError('ERR_FAILED_PRECONDITION', `no issuer keys file at ${path}: start the issuer once to create it`);
  }
  const next = await nextStep(file, now, options.retireAfterSec ?? DEFAULT_RETIRE_AFTER_SEC);
  await writeKeyFile(path, next);
  const kids = next.keys.map((k) => k.kid as string);
  return {
    stage: next.rotation.stage,
    signingKid: kids[0] as string,
    publishedKids: kids,
    message: MESSAGES[next.rotation.stage],
  };
}

const MESSAGES: Record<RotationStage, string> = {
  published:
    'step 1 of 3: the new key is published, the old one still signs. Restart the issuer; once verifiers have fetched the new JWKS, run rotate again.',
  signing:
    'step 2 of 3: the new key signs, the old one stays published. Restart the issuer; once tokens signed by the old key have expired, run rotate again.',
  stable: 'step 3 of 3: the old key is removed. Restart the issuer; the rotation is complete.',
};

async function nextStep(file: KeyFile, now: Date, retireAfterSec: number): Promise<KeyFile> {
  const since = now.toISOString();
  const [first, second] = file.keys;
  switch (file.rotation.stage) {
    case 'stable':
      return { keys: [first!, await generateSigningKey()], rotation: { stage: 'published', since } };
    case 'published':
      return { keys: [second!, first!], rotation: { stage: 'signing', since } };
    case 'signing': {
      const elapsedSec = (now.getTime() - Date.parse(file.rotation.since)) / 1000;
      if (elapsedSec < retireAfterSec) {
        throw new RampartError(
          'ERR_FAILED_PRECONDITION',
          `the old key may still have unexpired tokens: it stopped signing ${Math.floor(elapsedSec)} s ago, ` +
            `wait until ${retireAfterSec} s have passed`,
        );
      }
      return { keys: [first!], rotation: { stage: 'stable', since } };
    }
  }
}
