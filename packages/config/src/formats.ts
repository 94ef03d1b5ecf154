import convict from 'convict';

let registered = false;

function parseWholeNumber(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\+?\d+\s*$/.test(value) ? Number(value) : value;
}

/**
 * Formats Rampart adds to convict, by name.
 *
 * @example
 * ```ts
 * const schema = {
 *   issuer: { format: 'url', default: null, env: 'ISSUER_URL' },
 *   timeout: { format: 'duration-ms', default: 5_000, env: 'TIMEOUT_MS' },
 * };
 * ```
 */
export const RAMPART_FORMATS = {
  /** An absolute URL, checked with `new URL(value)`. */
  url: {
    validate(value: unknown): void {
      if (typeof value === 'string') {
        try {
          new URL(value);
          return;
        } catch {
          // fall through to the error below
        }
      }
      throw new Error('must be an absolute URL');
    },
  },
  /** A duration in milliseconds: a non-negative integer. Environment values are parsed as base-10 integers. */
  'duration-ms': {
    validate(value: unknown): void {
      if (!Number.isInteger(value) || (value as number) < 0) {
        throw new Error('must be a duration in milliseconds (a non-negative integer)');
      }
    },
    coerce: parseWholeNumber,
  },
  /** A string with at least one non-blank character. */
  'non-empty-string': {
    validate(value: unknown): void {
      if (typeof value !== 'string' || value.trim() === '') throw new Error('must be a non-empty string');
    },
  },
} as const;

/**
 * Registers Rampart's convict formats (`url`, `duration-ms`, `non-empty-string`). Safe to call any number of
 * times; `loadConfig`, `mergeSchemas` and `describeConfig` call it for you.
 *
 * @example
 * ```ts
 * registerConfigFormats();
 * convict({ issuer: { default: 'https://issuer.example', format: 'url' } });
 * ```
 */
export function registerConfigFormats(): void {
  if (registered) return;
  for (const [name, format] of Object.entries(RAMPART_FORMATS)) {
    convict.addFormat({ name, ...format });
  }
  registered = true;
}
