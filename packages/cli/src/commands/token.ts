import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { thumbprintOfPem } from '@rampart/pki';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { noExtraArguments, parseCommand, stringOption } from '../args.js';
import { DEV_ISSUER_URL, readSigningKey, writePublicJwks } from '../dev/issuer-files.js';
import { CliError, UsageError, type CliIo } from '../io.js';
import { runtimeDir } from '../workspace.js';

const OPTIONS = {
  aud: { type: 'string' },
  scope: { type: 'string' },
  sub: { type: 'string' },
  ttl: { type: 'string' },
  bind: { type: 'string' },
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  keys: { type: 'string' },
} as const;

const MAX_TTL_SEC = 24 * 60 * 60;

/**
 * `rampart token mint`: prints a development access token (see `HELP.token`) on stdout, a summary on stderr, and
 * refreshes the public `jwks.json` next to the keys file.
 *
 * @example
 * ```ts
 * await tokenCommand(['mint', '--aud', 'spiffe://demo.rampart.dev/payments', '--scope', 'payments:read'], io);
 * ```
 */
export async function tokenCommand(argv: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(argv, OPTIONS, 'token');
  if (positionals[0] !== 'mint') {
    throw new UsageError(positionals[0] === undefined ? 'token needs an action: mint' : `unknown token action ${JSON.stringify(positionals[0])}`, 'token');
  }
  noExtraArguments(positionals, 1, 'token');
  const audience = stringOption(values, 'aud');
  const scopeText = stringOption(values, 'scope');
  if (audience === undefined || audience === '') throw new UsageError('token mint needs --aud <audience>', 'token');
  if (scopeText === undefined) throw new UsageError('token mint needs --scope <scopes> ("" for none)', 'token');
  const scopes = scopeText.split(/[\s,]+/).filter((s) => s !== '');
  const ttl = Number(stringOption(values, 'ttl', '300'));
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SEC) throw new UsageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SEC}`, 'token');
  const issuer = stringOption(values, 'issuer', DEV_ISSUER_URL);
  if (!URL.canParse(issuer)) throw new UsageError(`--issuer must be a URL, got ${JSON.stringify(issuer)}`, 'token');
  const subject = stringOption(values, 'sub', 'dev-user');
  const clientId = stringOption(values, 'client-id');

  let thumbprint: string | undefined;
  const bind = stringOption(values, 'bind');
  if (bind !== undefined) {
    try {
      thumbprint = thumbprintOfPem(readFileSync(resolve(io.cwd, bind), 'utf8'));
    } catch (error) {
      throw new CliError(`--bind ${bind}: ${error instanceof TypeError ? error.message : `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`}`);
    }
  }

  const keysPath = resolve(io.cwd, stringOption(values, 'keys') ?? join(runtimeDir(io.cwd), 'issuer', 'keys.json'));
  const { signing, all } = readSigningKey(keysPath);
  const key = await importJWK(signing, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: issuer,
    sub: subject,
    aud: audience,
    iat: now,
    exp: now + ttl,
    jti: randomUUID(),
    ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
    ...(clientId !== undefined ? { client_id: clientId } : {}),
    ...(thumbprint !== undefined ? { cnf: { 'x5t#S256': thumbprint } } : {}),
  };
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...(signing.kid !== undefined ? { kid: signing.kid } : {}) })
    .sign(key);
  const jwks = writePublicJwks(keysPath, all);
  io.out(`${token}\n`);
  io.err(
    `rampart: token for ${audience} (sub ${subject}, scope "${scopes.join(' ')}", iss ${issuer}, expires ${new Date((now + ttl) * 1000).toISOString()})` +
      `${thumbprint !== undefined ? `, bound to x5t#S256 ${thumbprint}` : ''}; signed with kid ${signing.kid ?? '(none)'}; public keys in ${jwks}\n`,
  );
}
