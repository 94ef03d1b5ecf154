import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../io.js';

/** The file a workspace names its scaffold settings in (the alternative is a `rampart` key in its package.json). */
export const SETTINGS_FILE = 'rampart.config.json';

/** The trust domain of a service scaffolded with no setting and no flag: reserved (RFC 2606), never a real one. */
export const PLACEHOLDER_TRUST_DOMAIN = 'example.org';

/**
 * A workspace's scaffold settings: what every `rampart new service` there uses unless a flag says otherwise.
 *
 * @example
 * ```ts
 * const settings: ScaffoldSettings = { protoPackagePrefix: 'acme.shop', trustDomain: 'prod.acme.com', source: 'rampart.config.json' };
 * ```
 */
export interface ScaffoldSettings {
  /** Proto packages are `<prefix>.<name>.v1` (`acme.shop` → `acme.shop.payments.v1`). */
  readonly protoPackagePrefix?: string;
  /** The SPIFFE trust domain of the workspace's services (`spiffe://<trustDomain>/<name>`). */
  readonly trustDomain?: string;
  /** Where the settings came from (the file, for messages), or undefined when there are none. */
  readonly source?: string;
}

const KEYS = ['protoPackagePrefix', 'trustDomain'] as const;

/**
 * Reads the scaffold settings of the folder `dir`: `rampart.config.json`, else the `rampart` key of its
 * `package.json`. With `walkUp`, a folder with neither is skipped for the nearest one above that has some (a
 * standalone service scaffolded inside a larger repository). None at all gives `{}`.
 *
 * @throws CliError for a file that does not parse, an unknown key or a value that is not a string.
 *
 * @example
 * ```ts
 * readScaffoldSettings('/srv/my-repo'); // { protoPackagePrefix: 'acme.shop', trustDomain: 'prod.acme.com', source: '/srv/my-repo/rampart.config.json' }
 * ```
 */
export function readScaffoldSettings(dir: string, options: { readonly walkUp?: boolean } = {}): ScaffoldSettings {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = settingsIn(at);
    if (found !== undefined) return found;
    if (options.walkUp !== true || dirname(at) === at) return {};
  }
}

function settingsIn(dir: string): ScaffoldSettings | undefined {
  const file = join(dir, SETTINGS_FILE);
  if (existsSync(file)) return checked(parse(file), file);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const { rampart } = parse(manifest) as { rampart?: unknown };
  return rampart === undefined ? undefined : checked(rampart, `${manifest} ("rampart" key)`);
}

function parse(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function checked(value: unknown, source: string): ScaffoldSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${source}: expected an object like { "protoPackagePrefix": "acme.shop", "trustDomain": "prod.acme.com" }`);
  }
  const settings: { -readonly [K in keyof ScaffoldSettings]: ScaffoldSettings[K] } = { source };
  for (const [key, entry] of Object.entries(value)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new CliError(`${source}: unknown key ${JSON.stringify(key)} (known: ${KEYS.join(', ')})`);
    }
    if (typeof entry !== 'string' || entry === '') throw new CliError(`${source}: ${key} must be a non-empty string`);
    settings[key as (typeof KEYS)[number]] = entry;
  }
  return settings;
}
