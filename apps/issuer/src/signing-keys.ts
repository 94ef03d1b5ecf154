import { type JWK } from 'jose';
import { generateSigningKey, publicJwk, readKeyFile, writeKeyFile, type KeyFile } from './key-file.js';

/**
 * The issuer's signing keys as loaded at start-up: the private JWKs for oidc-provider (the first one signs) and
 * their public halves for verifying subject tokens.
 *
 * @example
 * ```ts
 * const keys: SigningKeys = await loadSigningKeys('.rampart/issuer/keys.json');
 * keys.signingKid; // the kid new tokens carry
 * ```
 */
export interface SigningKeys {
  readonly privateJwks: { readonly keys: readonly JWK[] };
  readonly publicJwks: { readonly keys: readonly JWK[] };
  readonly signingKid: string;
  /** Whether this start created the file. */
  readonly created: boolean;
}

/**
 * Loads the keys file, or creates it with one fresh ES256 key when it does not exist (mode 0600, folder 0700). Two
 * processes starting at once agree on one file: the second reads what the first wrote.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` for an unreadable or invalid keys file.
 *
 * @example
 * ```ts
 * const keys = await loadSigningKeys(config.get('issuer.keysFile'));
 * ```
 */
export async function loadSigningKeys(path: string): Promise<SigningKeys> {
  let file = await readKeyFile(path);
  let created = false;
  if (file === undefined) {
    const fresh: KeyFile = {
      keys: [await generateSigningKey()],
      rotation: { stage: 'stable', since: new Date().toISOString() },
    };
    created = await writeKeyFile(path, fresh, { exclusive: true });
    file = created ? fresh : await readKeyFile(path);
    if (file === undefined) throw new Error(`the issuer keys file ${path} disappeared while it was being created`);
  }
  return {
    privateJwks: { keys: file.keys },
    publicJwks: { keys: file.keys.map(publicJwk) },
    signingKid: file.keys[0]?.kid as string,
    created,
  };
}
