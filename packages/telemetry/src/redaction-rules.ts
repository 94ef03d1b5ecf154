/**
 * What replaces a secret in logs, spans and scrubbed copies.
 *
 * @example
 * ```ts
 * scrubSecrets({ password: 'hunter2' }); // { password: REDACTED }
 * ```
 */
export const REDACTED = '[redacted]' as const;

// A JOSE compact serialization: a base64url JSON header (`{"` → `eyJ`, `{ ` → `eyA`, `{\n` → `ewo`, …) followed
// by two (JWS/JWT) or four (JWE) more base64url segments, any of which may be empty (unsecured JWT, `dir` JWE).
const JOSE = /(?<![\w-])(?:eyJ|eyA|ewo|ew0|ewk)[\w-]{4,}\.[\w-]*\.[\w-]*(?:\.[\w-]*\.[\w-]*)?/g;
// An HTTP authorization value with a token scheme (RFC 6750 b64token).
const SCHEME = /\b([Bb]earer|BEARER|DPoP|dpop)[ \t]+[\w\-.~+/]+=*/g;
// A PEM private key block, also one cut short.
const PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|$)/g;
// OAuth parameters as they appear in query strings and form bodies (`client_secret=…`), and as JSON members inside
// a string (`"client_secret":"…"`).
const PARAMS = [
  'access_token',
  'refresh_token',
  'id_token',
  'subject_token',
  'actor_token',
  'client_secret',
  'client_assertion',
  'password',
  'token',
].join('|');
const FORM_PARAM = new RegExp(String.raw`\b(${PARAMS})=[^&\s"']+`, 'g');
const JSON_MEMBER = new RegExp(String.raw`"(${PARAMS}|[Aa]uthorization|private_key)"\s*:\s*"(?:[^"\\]|\\.)*"`, 'g');
// A password in a URL's user info: `postgres://user:pass@db`.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{0,30}:\/\/[^/\s:@]+:)[^/\s@]+@/g;
// One cheap scan that every string must pass before any of the above runs: most log strings fail it.
const HINT = /e[yw][\w-]{4,}\.|[Bb]earer|BEARER|DPoP|dpop|-----BEGIN|[="@]/;

/**
 * Scrubs secrets inside a string: JWT/JWS/JWE-shaped substrings, `Bearer …`/`DPoP …` values, PEM private key
 * blocks, OAuth secrets in query strings, form bodies and JSON text, and passwords in URLs (`scheme://user:pass@`).
 * A string without any of them is returned as it is, after one scan.
 *
 * @example
 * ```ts
 * scrubString(`verify failed for ${jwt}`);        // "verify failed for [redacted]"
 * scrubString('authorization: Bearer abc.def');   // "authorization: Bearer [redacted]"
 * ```
 */
export function scrubString(s: string): string {
  if (s.length < 8 || !HINT.test(s)) return s;
  let out = s;
  if (out.includes('-----BEGIN')) out = out.replace(PEM, REDACTED);
  out = out.replace(SCHEME, `$1 ${REDACTED}`);
  out = out.replace(JOSE, REDACTED);
  if (out.includes('=')) out = out.replace(FORM_PARAM, `$1=${REDACTED}`);
  if (out.includes('"')) out = out.replace(JSON_MEMBER, `"$1":"${REDACTED}"`);
  if (out.includes('@')) out = out.replace(URL_PASSWORD, `$1${REDACTED}@`);
  return out;
}

const EXACT_KEYS = new Set([
  'key',
  'jwt',
  'cookie',
  'setcookie',
  'signingkey',
  'encryptionkey',
  'sessionkey',
  'clientassertion',
  'credential',
]);
const KEY_SUFFIXES = ['token', 'authorization', 'apikey', 'privatekey'];
const KEY_PARTS = ['password', 'passwd', 'passphrase', 'secret'];

const keyCache = new Map<string, boolean>();
const KEY_CACHE_LIMIT = 2048;

/**
 * Whether the value under an object key is a secret as a whole: `authorization`, `token`, `access_token`,
 * `clientSecret`, `private_key`, `password`, `key`, … (case, `-` and `_` ignored).
 *
 * @example
 * ```ts
 * isSecretKey('Client_Secret'); // true
 * isSecretKey('tokenType');     // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  const cached = keyCache.get(key);
  if (cached !== undefined) return cached;
  const k = key.toLowerCase().replace(/[-_.\s]/g, '');
  const secret =
    EXACT_KEYS.has(k) || KEY_SUFFIXES.some((s) => k.endsWith(s)) || KEY_PARTS.some((p) => k.includes(p));
  if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, secret);
  return secret;
}

/**
 * The value to put where a secret key's value was: `null`, `undefined` and booleans say nothing and stay.
 *
 * @example
 * ```ts
 * redactValue('hunter2'); // "[redacted]"
 * redactValue(false);     // false
 * ```
 */
export function redactValue(value: unknown): unknown {
  return value === null || value === undefined || typeof value === 'boolean' ? value : REDACTED;
}
