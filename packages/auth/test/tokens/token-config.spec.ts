import { loadConfig } from '@rampart/config';
import type { ConfigReader } from '@rampart/core';
import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { TokenVerifier, tokenConfigSchema, type IssuerConfig, type TokenVerifierOptions } from '../../src/index.js';
import { TOKEN_VERIFIER_DEFAULTS, tokenVerifierOptionsFromConfig } from '../../src/internal.js';
import { expectTokenError } from './support/expect-token-error.js';
import { mint } from './support/keys.js';

type Setting = { default: unknown; env?: string; sensitive?: boolean; doc?: string; format?: unknown };
const settings = (tokenConfigSchema as { auth: { tokens: Record<string, Setting> } }).auth.tokens;

/** A ConfigReader over the schema defaults plus `values` (keys relative to `auth.tokens.`). */
function reader(values: Record<string, unknown> = {}): ConfigReader {
  const all: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) all[`auth.tokens.${key}`] = values[key] ?? s.default;
  return {
    get: <T>(key: string) => {
      if (!(key in all)) throw new Error(`unknown key ${key}`);
      return all[key] as T;
    },
    has: (key) => all[key] !== undefined && all[key] !== null,
  };
}
const formatOf = (key: string) => settings[key]!.format as (value: unknown) => void;
const SECRET = 'a-hmac-secret-that-is-long-enough-0123456789';

describe('tokenConfigSchema', () => {
  it('declares every key with a doc, a default and a RAMPART_AUTH_ env variable, matching the verifier defaults', () => {
    for (const [key, s] of Object.entries(settings)) {
      expect(s.doc, key).toMatch(/\w{3}/);
      expect(s.env, key).toMatch(/^RAMPART_AUTH_[A-Z_]+$/);
      expect('default' in s, key).toBe(true);
    }
    expect(settings.clockToleranceSec!.default).toBe(TOKEN_VERIFIER_DEFAULTS.clockToleranceSec);
    expect(settings.jwksTimeoutMs!.default).toBe(5000);
    expect(settings.discoveryMaxBytes!.default).toBe(131_072);
    expect(settings.jwksMaxBytes!.default).toBe(524_288);
    expect(TOKEN_VERIFIER_DEFAULTS).toMatchObject({ jwksTimeoutMs: 5000, discoveryMaxBytes: 131_072, jwksMaxBytes: 524_288 });
    expect(settings.maxTokenBytes!.default).toBe(8192);
    expect(settings.audience!.env).toBe('RAMPART_AUTH_AUDIENCE');
    expect(settings.issuer!.env).toBe('RAMPART_AUTH_ISSUER');
  });

  it('marks only the HMAC secret sensitive, from RAMPART_AUTH_HMAC_SECRET, with no default', () => {
    const sensitive = Object.entries(settings).filter(([, s]) => s.sensitive === true).map(([k]) => k);
    expect(sensitive).toEqual(['hmacSecret']);
    expect(settings.hmacSecret).toMatchObject({ env: 'RAMPART_AUTH_HMAC_SECRET', default: '' });
  });

  it('validates the issuers list and refuses secrets in it', () => {
    const check = formatOf('issuers');
    expect(() => check([{ issuer: 'https://a.example', audience: ['x'], requireTyp: true, algorithms: ['ES256'] }])).not.toThrow();
    expect(() => check({ issuer: 'x' })).toThrow('must be a JSON array');
    expect(() => check([{ issuer: 'x', secret: 's' }])).toThrow(/entry 0: no secrets here; set RAMPART_AUTH_HMAC_SECRET/);
    expect(() => check([{ issuer: 'x', jwks: {} }])).toThrow(/entry 0: unknown key "jwks"/);
    expect(() => check([{ issuer: '' }])).toThrow(/"issuer" must be a non-empty string/);
    expect(() => check([{ issuer: 'x', algorithms: ['none'] }])).toThrow(/"algorithms" must be a list of/);
    expect(() => check([{ issuer: 'x', jwksUri: 'not a url' }])).toThrow(/"jwksUri" must be an absolute URL/);
    expect(() => check([{ issuer: 'x', requireTyp: 'yes' }])).toThrow(/"requireTyp" must be true or false/);
    expect(() => check([{ issuer: 'https://a.example', jwksHosts: ['keys.example', 'keys.example:8443'] }])).not.toThrow();
    expect(() => check([{ issuer: 'x', jwksHosts: 'keys.example' }])).toThrow(/"jwksHosts" must be a list of host names/);
    expect(() => check([{ issuer: 'x', audience: 3 }])).toThrow(/"audience" must be a string or a list/);
    expect(() => formatOf('issuer')('not a url')).toThrow('must be an absolute URL or empty');
    expect(() => formatOf('issuer')('')).not.toThrow();
  });
});

describe('tokenVerifierOptionsFromConfig', () => {
  it('maps every key and adds the single issuer', () => {
    const options = tokenVerifierOptionsFromConfig(
      reader({
        issuer: 'https://b.example',
        issuers: [{ issuer: 'https://a.example', requireTyp: true }],
        audience: 'inventory',
        clockToleranceSec: 5,
        maxTokenBytes: 4096,
        cacheMax: 7,
        jwksTimeoutMs: 800,
        jwksCooldownMs: 9,
        jwksRefreshMs: 10,
        jwksRetryBackoffMs: 11,
        jwksFilePollMs: 12,
        discoveryMaxBytes: 2048,
        jwksMaxBytes: 4096,
      }),
    );
    expect(options).toEqual({
      issuers: [{ issuer: 'https://a.example', requireTyp: true }, { issuer: 'https://b.example' }],
      audience: 'inventory',
      clockToleranceSec: 5,
      maxTokenBytes: 4096,
      cacheMax: 7,
      jwksTimeoutMs: 800,
      jwksCooldownMs: 9,
      jwksRefreshMs: 10,
      retryBackoffMs: 11,
      jwksFilePollMs: 12,
      discoveryMaxBytes: 2048,
      jwksMaxBytes: 4096,
    });
    const same = tokenVerifierOptionsFromConfig(reader({ issuer: 'https://a.example', issuers: [{ issuer: 'https://a.example' }] }));
    expect(same.issuers).toEqual([{ issuer: 'https://a.example' }]);
  });

  it('reads the issuers list from RAMPART_AUTH_ISSUERS (JSON), and names the variable when it is not a valid list', () => {
    const env = {
      RAMPART_AUTH_ISSUERS: '[{"issuer":"https://a.example","jwksUri":"https://a.example/jwks","requireTyp":true}]',
      RAMPART_AUTH_AUDIENCE: 'inventory',
    };
    const config = loadConfig({ schemas: [tokenConfigSchema], env });
    expect(config.sourceOf('auth.tokens.issuers')).toBe('env:RAMPART_AUTH_ISSUERS');
    expect(tokenVerifierOptionsFromConfig(config).issuers).toEqual([
      { issuer: 'https://a.example', jwksUri: 'https://a.example/jwks', requireTyp: true },
    ]);
    expect(() => loadConfig({ schemas: [tokenConfigSchema], env: { RAMPART_AUTH_ISSUERS: '[{"issuer":"x","secret":"s"}]' } })).toThrow(
      /auth\.tokens\.issuers[\s\S]*no secrets here/,
    );
    expect(() => loadConfig({ schemas: [tokenConfigSchema], env: { RAMPART_AUTH_ISSUERS: 'https://a.example' } })).toThrow(
      /auth\.tokens\.issuers[\s\S]*RAMPART_AUTH_ISSUERS|RAMPART_AUTH_ISSUERS[\s\S]*auth\.tokens\.issuers/,
    );
  });

  it('gives the HMAC secret to its issuer, and the result verifies HS256 tokens', async () => {
    const options = tokenVerifierOptionsFromConfig(reader({ audience: 'api', hmacSecret: SECRET, hmacIssuer: 'internal' }));
    expect(options.issuers).toEqual([{ issuer: 'internal', secret: SECRET }]);
    const listed = tokenVerifierOptionsFromConfig(
      reader({ issuers: [{ issuer: 'internal', algorithms: ['HS512'] }], hmacSecret: SECRET + SECRET, hmacIssuer: 'internal' }),
    );
    expect(listed.issuers).toEqual([{ issuer: 'internal', algorithms: ['HS512'], secret: SECRET + SECRET }]);

    const verifier = new TokenVerifier(options);
    const secret = new TextEncoder().encode(SECRET);
    await expect(verifier.verify(await mint({ alg: 'HS256', secret }, { iss: 'internal', aud: 'api' }))).resolves.toBeDefined();
  });

  it.each([
    [{ hmacSecret: SECRET }, /hmacSecret is set but auth.tokens.hmacIssuer is not/],
    [{ hmacIssuer: 'internal' }, /hmacIssuer is set but no secret: set RAMPART_AUTH_HMAC_SECRET/],
    [{ hmacSecret: SECRET, hmacIssuer: 'x', issuers: [{ issuer: 'x', jwksUri: 'https://x/jwks' }] }, /also has jwksUri\/jwksFile/],
  ])('refuses inconsistent HMAC settings %#', (values, message) => {
    const error = (() => {
      try {
        tokenVerifierOptionsFromConfig(reader(values));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RampartError);
    expect((error as RampartError).code).toBe('ERR_CONFIG_INVALID');
    expect((error as RampartError).message).toMatch(message);
    expect((error as RampartError).message).not.toContain(SECRET);
  });
});

describe('TokenVerifier refuses unsafe or broken configuration at construction', () => {
  const ok = 'https://issuer.example';
  const secret = new TextEncoder().encode(SECRET);
  it.each<[string, Partial<TokenVerifierOptions> & { issuers?: IssuerConfig[] }, RegExp]>([
    ['HS256 for a JWKS issuer', { issuers: [{ issuer: ok, algorithms: ['RS256', 'HS256'] }] }, /algorithms HS256 are not allowed without a `secret`/],
    ['none', { issuers: [{ issuer: ok, algorithms: ['none' as 'RS256'] }] }, /algorithms none are not allowed/],
    ['RS256 for an HMAC issuer', { issuers: [{ issuer: 'i', secret, algorithms: ['RS256'] }] }, /algorithms RS256 are not allowed with a `secret`/],
    ['a short secret', { issuers: [{ issuer: 'i', secret: 'short' }] }, /at least 32 bytes/],
    ['a secret too short for HS512', { issuers: [{ issuer: 'i', secret, algorithms: ['HS512'] }] }, /at least 64 bytes for HS512/],
    ['a secret and a jwksUri', { issuers: [{ issuer: 'i', secret, jwksUri: 'https://x/jwks' }] }, /at most one of .*got jwksUri, secret/],
    ['plain http off loopback', { issuers: [{ issuer: 'http://issuer.example' }] }, /must be an https URL/],
    ['a plain-http jwksUri', { issuers: [{ issuer: 'i', jwksUri: 'http://keys.example/jwks' }] }, /jwksUri must be an https URL/],
    ['a non-URL issuer with discovery', { issuers: [{ issuer: 'internal' }] }, /a discovered issuer must be an https URL/],
    ['duplicates', { issuers: [{ issuer: ok }, { issuer: ok }] }, /is configured twice/],
    ['no issuers', { issuers: [] }, /no token issuer is configured/],
    ['an empty audience', { issuers: [{ issuer: ok, audience: '' }] }, /`audience` must be a non-empty string/],
    ['a broken inline JWKS', { issuers: [{ issuer: 'i', jwks: { keys: 'x' } as never }] }, /its keys are unusable: JSON Web Key Set malformed/],
    ['a negative tolerance', { issuers: [{ issuer: ok }], clockToleranceSec: -1 }, /clockToleranceSec must be an integer >= 0/],
    ['a zero timeout', { issuers: [{ issuer: ok }], jwksTimeoutMs: 0 }, /jwksTimeoutMs must be an integer >= 1/],
    ['a fractional cache size', { issuers: [{ issuer: ok }], cacheMax: 1.5 }, /cacheMax must be an integer >= 0/],
    ['a tiny JWKS size cap', { issuers: [{ issuer: ok }], jwksMaxBytes: 10 }, /jwksMaxBytes must be an integer >= 1024/],
    ['a tiny discovery size cap', { issuers: [{ issuer: ok }], discoveryMaxBytes: 0 }, /discoveryMaxBytes must be an integer >= 1024/],
    ['jwksHosts with a scheme or path', { issuers: [{ issuer: ok, jwksHosts: ['https://keys.example', 'keys.example/jwks'] }] }, /`jwksHosts` entries must be a host or host:port.*"https:\/\/keys\.example", "keys\.example\/jwks"/],
    ['jwksHosts without discovery', { issuers: [{ issuer: ok, jwksUri: `${ok}/jwks`, jwksHosts: ['keys.example'] }] }, /`jwksHosts` applies to discovery only/],
    ['requireTyp not a boolean (in code)', { issuers: [{ issuer: ok, requireTyp: 'no' as never }] }, /`requireTyp` must be true or false/],
  ])('%s', (_name, options, message) => {
    let error: unknown;
    try {
      new TokenVerifier({ issuers: [], ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RampartError);
    expect((error as RampartError).code).toBe('ERR_CONFIG_INVALID');
    expect((error as RampartError).message).toMatch(message);
    expect((error as RampartError).message).not.toContain(SECRET);
  });

  it('accepts a custom maxTokenBytes and enforces it', async () => {
    const secret2 = new TextEncoder().encode(SECRET);
    const verifier = new TokenVerifier({ issuers: [{ issuer: 'i', secret: secret2 }], audience: 'api', maxTokenBytes: 200 });
    const token = await mint({ alg: 'HS256', secret: secret2 }, { iss: 'i', aud: 'api', pad: 'x'.repeat(200) });
    await expectTokenError(verifier.verify(token), 'ERR_TOKEN_INVALID', /token too large: \d+ bytes > 200/, token);
  });
});
