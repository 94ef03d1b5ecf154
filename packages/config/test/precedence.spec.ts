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

  it('reads JSON from the environment for a custom format whose default is a list or an object', () => {
    const listOfNamed = (value: unknown): void => {
      if (!Array.isArray(value) || !value.every((v) => typeof (v as { name?: unknown }).name === 'string')) {
        throw new Error('must be a JSON array of { name }');
      }
    };
    const limits = (value: unknown): void => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('must be a JSON object');
    };
    const plain = (value: unknown): void => {
      if (typeof value !== 'string') throw new Error('must be a string');
    };
    const schema = {
      peers: {
        list: { format: listOfNamed, default: [], env: 'PEERS_LIST' },
        limits: { format: limits, default: {}, env: 'PEERS_LIMITS' },
        label: { format: plain, default: '', env: 'PEERS_LABEL' },
      },
    };
    const config = loadConfig({
      schemas: [schema],
      env: { PEERS_LIST: '[{"name":"a"},{"name":"b"}]', PEERS_LIMITS: '{"max":3}', PEERS_LABEL: '[not json]' },
    });
    expect(config.get('peers')).toEqual({ list: [{ name: 'a' }, { name: 'b' }], limits: { max: 3 }, label: '[not json]' });
    expect(config.sourceOf('peers.list')).toBe('env:PEERS_LIST');
  });

  it('refuses JSON that does not parse for such a format, naming the key and the variable', () => {
    const listOfNamed = (value: unknown): void => {
      if (!Array.isArray(value)) throw new Error('must be a JSON array of { name }');
    };
    const schema = { peers: { list: { format: listOfNamed, default: [], env: 'PEERS_LIST' } } };
    expect(() => loadConfig({ schemas: [schema], env: { PEERS_LIST: '[{"name":' } })).toThrow(/peers\.list[\s\S]*PEERS_LIST|PEERS_LIST[\s\S]*peers\.list/);
  });
});

describe('undefined in values', () => {
  it('counts as not given', () => {
    const config = loadConfig({ schemas: [SERVER_SCHEMA], values: { server: { port: undefined } }, env: {} });
    expect(config.get('server.port')).toBe(50051);
    expect(config.sourceOf('server.port')).toBe('default');
  });
});
