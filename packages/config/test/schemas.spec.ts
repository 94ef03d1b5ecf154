import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { mergeSchemas } from '../src/internal.js';
import { DB_SCHEMA, SERVER_SCHEMA, catchRampartError } from './helpers.js';

describe('mergeSchemas', () => {
  it('merges fragments from several packages into one tree', () => {
    const merged = mergeSchemas([SERVER_SCHEMA, DB_SCHEMA, { server: { tls: { default: false } } }]);
    expect(Object.keys(merged)).toEqual(['server', 'db']);
    expect(Object.keys(merged['server'] as object)).toEqual(['port', 'host', 'shutdownGraceMs', 'tls']);
  });

  it('accepts dotted keys in fragments', () => {
    const schema = { 'auth.issuer.audience': { default: 'orders', format: String } };
    const config = loadConfig({ schemas: [schema], env: {} });
    expect(config.get('auth.issuer.audience')).toBe('orders');
  });

  it('keeps a key declared twice with identical definitions', () => {
    const port = { doc: 'gRPC port', format: 'port', default: 50051, env: 'RAMPART_SERVER_PORT' };
    const again = { server: { port } };
    expect(() => mergeSchemas([SERVER_SCHEMA, again])).not.toThrow();
  });

  it('refuses a key declared twice with different definitions, naming the key', () => {
    const other = { server: { port: { doc: 'gRPC port', format: 'port', default: 8080, env: 'RAMPART_SERVER_PORT' } } };
    const error = catchRampartError(() => mergeSchemas([SERVER_SCHEMA, other]));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain(
      'server.port: declared twice with different definitions (schema fragments #1 and #2)',
    );
  });

  it('refuses a key that is a setting in one fragment and a group in another', () => {
    const clash = { server: { port: { inner: { default: 1 } } } };
    const error = catchRampartError(() => mergeSchemas([SERVER_SCHEMA, clash]));
    expect(error.message).toContain('server.port: is a setting in schema fragment #1 and a group');
  });

  it('refuses a sensitive setting without env, at schema level', () => {
    const schema = { db: { password: { format: String, default: null, sensitive: true } } };
    const error = catchRampartError(() => mergeSchemas([schema]));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('db.password: is sensitive but declares no "env"');
    // loadConfig refuses it too, before reading anything
    expect(catchRampartError(() => loadConfig({ schemas: [schema], env: {} })).message).toContain(
      'declares no "env"',
    );
  });

  it('refuses a sensitive setting with a default value', () => {
    const schema = { db: { password: { format: String, default: 'changeme', sensitive: true, env: 'DB_PASSWORD' } } };
    const error = catchRampartError(() => mergeSchemas([schema]));
    expect(error.message).toContain('db.password: is sensitive but has a default value');
    expect(error.message).not.toContain('changeme');
  });

  it('refuses a setting that forgot its default', () => {
    const error = catchRampartError(() => mergeSchemas([{ server: { port: { format: 'port', env: 'PORT' } } }]));
    expect(error.message).toContain('server.port: looks like a setting');
  });

  it('allows a child setting named like a schema property when written in full', () => {
    const schema = { log: { format: { default: 'json', format: ['json', 'pretty'] } } };
    expect(loadConfig({ schemas: [schema], env: {} }).get('log.format')).toBe('json');
  });

  it('refuses an unknown format, with convict naming the key', () => {
    const error = catchRampartError(() => mergeSchemas([{ a: { default: 1, format: 'no-such-format' } }]));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain("'a' uses an unknown format type: no-such-format");
  });

  it('refuses command-line arguments and bad env names', () => {
    const error = catchRampartError(() =>
      mergeSchemas([{ a: { default: 1, arg: 'a' }, b: { default: 1, env: 'NOT VALID' } }]),
    );
    expect(error.message).toContain('a: command-line arguments ("arg") are not supported');
    expect(error.message).toContain('b: "env" must be an environment variable name');
  });

  it('refuses a setting whose env is the <ENV>_FILE of a secret', () => {
    const error = catchRampartError(() =>
      mergeSchemas([DB_SCHEMA, { db: { passwordPath: { default: '', env: 'DB_PASSWORD_FILE' } } }]),
    );
    expect(error.message).toContain('db.passwordPath: its env DB_PASSWORD_FILE is also where db.password');
  });
});

describe('schema keys named like Object.prototype members', () => {
  it('are ordinary settings', () => {
    const config = loadConfig({ schemas: [{ toString: { default: 'a' }, constructorName: { default: 'b' } }], env: {} });
    expect(config.get('toString')).toBe('a');
    expect(config.sourceOf('toString')).toBe('default');
  });
});
