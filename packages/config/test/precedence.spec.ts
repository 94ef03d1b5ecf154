import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { SERVER_SCHEMA, makeTempDir, type TempDir } from './helpers.js';

describe('loadConfig precedence', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('uses the schema default when nothing else is given', () => {
    const config = loadConfig({ schemas: [SERVER_SCHEMA], env: {} });
    expect(config.get('server.port')).toBe(50051);
    expect(config.sourceOf('server.port')).toBe('default');
  });

  it('values beat defaults', () => {
    const config = loadConfig({ schemas: [SERVER_SCHEMA], values: { server: { port: 1000 } }, env: {} });
    expect(config.get('server.port')).toBe(1000);
    expect(config.sourceOf('server.port')).toBe('values');
    expect(config.get('server.host')).toBe('0.0.0.0');
  });

  it('accepts dotted keys in values', () => {
    const config = loadConfig({ schemas: [SERVER_SCHEMA], values: { 'server.port': 1001 }, env: {} });
    expect(config.get('server.port')).toBe(1001);
  });

  it('a file beats values, and the environment beats the file', () => {
    const file = tmp.write('app.json', { server: { port: 2000, host: '127.0.0.1' } });
    const values = { server: { port: 1000, host: '10.0.0.1' } };
    const fromFile = loadConfig({ schemas: [SERVER_SCHEMA], values, files: [file], env: {} });
    expect(fromFile.get('server.port')).toBe(2000);
    expect(fromFile.sourceOf('server.port')).toBe(`file:${file}`);

    const env = { RAMPART_SERVER_PORT: '3000' };
    const fromEnv = loadConfig({ schemas: [SERVER_SCHEMA], values, files: [file], env });
    expect(fromEnv.get('server.port')).toBe(3000);
    expect(fromEnv.sourceOf('server.port')).toBe('env:RAMPART_SERVER_PORT');
    // the environment only overrides what it sets
    expect(fromEnv.get('server.host')).toBe('127.0.0.1');
  });

  it('applies two files in order, the later one winning', () => {
    const base = tmp.write('base.json', { server: { port: 2000, host: '127.0.0.1' } });
    const override = tmp.write('override.json', { server: { port: 2001 } });
    const config = loadConfig({ schemas: [SERVER_SCHEMA], files: [base, override], env: {} });
    expect(config.get('server.port')).toBe(2001);
    expect(config.sourceOf('server.port')).toBe(`file:${override}`);
    expect(config.get('server.host')).toBe('127.0.0.1');
    expect(config.sourceOf('server.host')).toBe(`file:${base}`);

    const reversed = loadConfig({ schemas: [SERVER_SCHEMA], files: [override, base], env: {} });
    expect(reversed.get('server.port')).toBe(2000);
  });

  it('reads the file list from RAMPART_CONFIG when files is not given', () => {
    const a = tmp.write('a.json', { server: { port: 4000 } });
    const b = tmp.write('b.json', { server: { host: '::1' } });
    const config = loadConfig({ schemas: [SERVER_SCHEMA], env: { RAMPART_CONFIG: `${a}, ${b}` } });
    expect(config.get('server.port')).toBe(4000);
    expect(config.get('server.host')).toBe('::1');
  });

  it('explicit files replace RAMPART_CONFIG', () => {
    const a = tmp.write('a.json', { server: { port: 4000 } });
    const config = loadConfig({ schemas: [SERVER_SCHEMA], files: [], env: { RAMPART_CONFIG: a } });
    expect(config.get('server.port')).toBe(50051);
  });

  it('coerces environment strings by format', () => {
    const schema = {
      flags: {
        on: { format: Boolean, default: false, env: 'FLAG_ON' },
        ratio: { format: Number, default: 0.5, env: 'FLAG_RATIO' },
        tags: { format: Array, default: [], env: 'FLAG_TAGS' },
        grace: { format: 'duration-ms', default: 0, env: 'FLAG_GRACE' },
      },
    };
    const config = loadConfig({
      schemas: [schema],
      env: { FLAG_ON: 'true', FLAG_RATIO: '0.25', FLAG_TAGS: 'a, b', FLAG_GRACE: '1500' },
    });
    expect(config.get('flags')).toEqual({ on: true, ratio: 0.25, tags: ['a', 'b'], grace: 1500 });
  });
});

describe('undefined in values', () => {
  it('counts as not given', () => {
    const config = loadConfig({ schemas: [SERVER_SCHEMA], values: { server: { port: undefined } }, env: {} });
    expect(config.get('server.port')).toBe(50051);
    expect(config.sourceOf('server.port')).toBe('default');
  });
});
