import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { DB_SCHEMA, SERVER_SCHEMA, catchRampartError, makeTempDir, type TempDir } from './helpers.js';

const SECRET = 'hunter2-very-secret';

describe('the secrets rule', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('refuses a secret inline in a config file, without printing it', () => {
    const file = tmp.write('app.json', { db: { password: SECRET } });
    const error = catchRampartError(() =>
      loadConfig({ schemas: [SERVER_SCHEMA, DB_SCHEMA], files: [file], env: { DB_PASSWORD: 'other' } }),
    );
    expect(error.code).toBe('ERR_CONFIG_INLINE_SECRET');
    expect(error.message).toContain(
      `db.password: is a secret and must not be given inline in file ${file}. ` +
        `Fix: remove it from ${file} and set DB_PASSWORD or DB_PASSWORD_FILE.`,
    );
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses a secret given as a dotted key in a file', () => {
    const file = tmp.write('app.json', { 'db.password': SECRET });
    const error = catchRampartError(() => loadConfig({ schemas: [DB_SCHEMA], files: [file], env: {} }));
    expect(error.code).toBe('ERR_CONFIG_INLINE_SECRET');
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses a secret in values', () => {
    const error = catchRampartError(() =>
      loadConfig({ schemas: [DB_SCHEMA], values: { db: { password: SECRET } }, env: {} }),
    );
    expect(error.code).toBe('ERR_CONFIG_INLINE_SECRET');
    expect(error.message).toContain('remove it from values and set DB_PASSWORD or DB_PASSWORD_FILE');
    expect(error.message).not.toContain(SECRET);
  });

  it('reads a secret from its environment variable', () => {
    const config = loadConfig({ schemas: [DB_SCHEMA], env: { DB_PASSWORD: SECRET } });
    expect(config.get('db.password')).toBe(SECRET);
    expect(config.sourceOf('db.password')).toBe('env:DB_PASSWORD');
  });

  it('reads a secret from the file named by <ENV>_FILE, trimming one trailing newline', () => {
    const file = tmp.write('password', `${SECRET}\n\n`);
    const config = loadConfig({ schemas: [DB_SCHEMA], env: { DB_PASSWORD_FILE: file } });
    expect(config.get('db.password')).toBe(`${SECRET}\n`);
    expect(config.sourceOf('db.password')).toBe('env-file:DB_PASSWORD_FILE');

    const crlf = tmp.write('password-crlf', `${SECRET}\r\n`);
    expect(loadConfig({ schemas: [DB_SCHEMA], env: { DB_PASSWORD_FILE: crlf } }).get('db.password')).toBe(SECRET);
  });

  it('refuses an unreadable <ENV>_FILE, naming the variable and the path', () => {
    const missing = `${tmp.dir}/no-such-secret`;
    const error = catchRampartError(() => loadConfig({ schemas: [DB_SCHEMA], env: { DB_PASSWORD_FILE: missing } }));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain(`db.password: the secret file ${missing} named by DB_PASSWORD_FILE does not exist`);

    const dir = tmp.mkdir('secrets');
    const dirError = catchRampartError(() => loadConfig({ schemas: [DB_SCHEMA], env: { DB_PASSWORD_FILE: dir } }));
    expect(dirError.message).toContain(`the secret file ${dir} named by DB_PASSWORD_FILE is a directory`);
  });

  it('refuses both <ENV> and <ENV>_FILE at once', () => {
    const file = tmp.write('password', SECRET);
    const error = catchRampartError(() =>
      loadConfig({ schemas: [DB_SCHEMA], env: { DB_PASSWORD: SECRET, DB_PASSWORD_FILE: file } }),
    );
    expect(error.message).toContain('db.password: both DB_PASSWORD and DB_PASSWORD_FILE are set');
    expect(error.message).not.toContain(SECRET);
  });

  describe("a file-only secret (sensitive: 'file')", () => {
    const FILE_ONLY = { api: { secret: { doc: 'client secret', format: String, default: '', sensitive: 'file', env: 'API_SECRET' } } };

    it('reads it from <ENV>_FILE', () => {
      const file = tmp.write('secret', `${SECRET}\n`);
      const config = loadConfig({ schemas: [FILE_ONLY], env: { API_SECRET_FILE: file } });
      expect(config.get('api.secret')).toBe(SECRET);
      expect(JSON.stringify(config.toRedactedJSON())).not.toContain(SECRET);
    });

    it('refuses <ENV> itself, naming the fix and never the value', () => {
      const error = catchRampartError(() => loadConfig({ schemas: [FILE_ONLY], env: { API_SECRET: SECRET } }));
      expect(error.code).toBe('ERR_CONFIG_INVALID');
      expect(error.message).toContain('api.secret: API_SECRET is set, but this secret is read only from a file');
      expect(error.message).toContain('set API_SECRET_FILE to its path');
      expect(error.message).not.toContain(SECRET);
    });

    it('refuses it inline in values, pointing at <ENV>_FILE only', () => {
      const error = catchRampartError(() => loadConfig({ schemas: [FILE_ONLY], values: { api: { secret: SECRET } }, env: {} }));
      expect(error.code).toBe('ERR_CONFIG_INLINE_SECRET');
      expect(error.message).toContain('remove it from values and set API_SECRET_FILE to a file holding it');
      expect(error.message).not.toContain(SECRET);
    });
  });

  it('ignores <ENV>_FILE for settings that are not sensitive', () => {
    const file = tmp.write('port', '1234');
    const config = loadConfig({ schemas: [SERVER_SCHEMA], env: { RAMPART_SERVER_PORT_FILE: file } });
    expect(config.get('server.port')).toBe(50051);
  });

  it('never prints a bad secret value', () => {
    const schema = { api: { key: { format: 'url', default: null, sensitive: true, env: 'API_KEY' } } };
    const error = catchRampartError(() => loadConfig({ schemas: [schema], env: { API_KEY: SECRET } }));
    expect(error.message).toContain('api.key: must be an absolute URL, got [redacted] from env API_KEY');
    expect(error.message).not.toContain(SECRET);
  });

  it('never prints a secret quoted by a custom format error', () => {
    const leaky = (value: unknown): void => {
      throw new Error(`bad key ${String(value)}`);
    };
    const schema = { api: { key: { format: leaky, default: null, sensitive: true, env: 'API_KEY' } } };
    const error = catchRampartError(() => loadConfig({ schemas: [schema], env: { API_KEY: SECRET } }));
    expect(error.message).toContain('api.key: is not valid, got [redacted] from env API_KEY');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports a required secret that is not set, pointing at both variables', () => {
    const error = catchRampartError(() => loadConfig({ schemas: [DB_SCHEMA], env: {} }));
    expect(error.message).toContain('db.password: is required but not set. Fix: set DB_PASSWORD or DB_PASSWORD_FILE');
  });
});
