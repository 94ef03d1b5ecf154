import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { REDACTED } from '../src/loaded-config.js';
import { DB_SCHEMA, SERVER_SCHEMA, catchRampartError, makeTempDir, type TempDir } from './helpers.js';

describe('LoadedConfig', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  const load = (files: string[] = []) =>
    loadConfig({
      schemas: [SERVER_SCHEMA, DB_SCHEMA, { features: { default: {}, format: Object } }],
      values: { server: { host: '127.0.0.1' } },
      files,
      env: { DB_PASSWORD: 'hunter2', RAMPART_SERVER_PORT: '7000' },
    });

  it('toRedactedJSON hides secrets and shows everything else', () => {
    const json = load().toRedactedJSON();
    expect(json).toEqual({
      server: { port: 7000, host: '127.0.0.1', shutdownGraceMs: 10_000 },
      db: { url: 'postgres://localhost/app', password: REDACTED },
      features: {},
    });
    expect(JSON.stringify(json)).not.toContain('hunter2');
  });

  it('toRedactedJSON returns a copy that can be changed', () => {
    const config = load();
    const json = config.toRedactedJSON();
    (json['server'] as Record<string, unknown>)['port'] = 1;
    expect(config.get('server.port')).toBe(7000);
  });

  it('sourceOf tells where each value came from', () => {
    const file = tmp.write('app.json', { db: { url: 'postgres://db/app' } });
    const config = load([file]);
    expect(config.sourceOf('server.port')).toBe('env:RAMPART_SERVER_PORT');
    expect(config.sourceOf('server.host')).toBe('values');
    expect(config.sourceOf('server.shutdownGraceMs')).toBe('default');
    expect(config.sourceOf('db.url')).toBe(`file:${file}`);
    expect(config.sourceOf('db.password')).toBe('env:DB_PASSWORD');
    expect(() => config.sourceOf('server')).toThrow(/no configuration setting "server"/);
  });

  it('get reads settings, groups and keys inside object settings; unknown keys throw', () => {
    const file = tmp.write('app.json', { features: { beta: true } });
    const config = load([file]);
    expect(config.get('server')).toEqual({ port: 7000, host: '127.0.0.1', shutdownGraceMs: 10_000 });
    expect(config.get('features.beta')).toBe(true);
    const error = catchRampartError(() => config.get('server.nope'));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('server.nope');
  });

  it('has is false for unknown keys and for unset (null) values', () => {
    const config = loadConfig({
      schemas: [{ opt: { default: null, format: String, nullable: true } }, SERVER_SCHEMA],
      env: {},
    });
    expect(config.has('server.port')).toBe(true);
    expect(config.has('opt')).toBe(false);
    expect(config.has('nope')).toBe(false);
  });

  it('values are frozen and not shared with the caller', () => {
    const values = { tags: ['a'] };
    const config = loadConfig({ schemas: [{ tags: { default: [], format: Array } }], values, env: {} });
    values.tags.push('b');
    const tags = config.get('tags');
    expect(tags).toEqual(['a']);
    expect(Object.isFrozen(tags)).toBe(true);
    expect(Object.isFrozen(values.tags)).toBe(false);
  });
});
