import convict from 'convict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { registerConfigFormats } from '../src/formats.js';
import { catchRampartError } from './helpers.js';

describe('formats', () => {
  it('url accepts absolute URLs and refuses anything else', () => {
    const schema = { issuer: { default: 'https://issuer.example', format: 'url', env: 'ISSUER' } };
    expect(loadConfig({ schemas: [schema], env: { ISSUER: 'https://id.example/realm' } }).get('issuer')).toBe(
      'https://id.example/realm',
    );
    const error = catchRampartError(() => loadConfig({ schemas: [schema], env: { ISSUER: 'id.example' } }));
    expect(error.message).toContain('issuer: must be an absolute URL, got "id.example" from env ISSUER');
  });

  it('duration-ms takes non-negative integers', () => {
    const schema = { ttl: { default: 1000, format: 'duration-ms', env: 'TTL' } };
    expect(loadConfig({ schemas: [schema], env: { TTL: '250' } }).get('ttl')).toBe(250);
    for (const bad of ['-1', '1.5', '10s']) {
      const error = catchRampartError(() => loadConfig({ schemas: [schema], env: { TTL: bad } }));
      expect(error.message).toContain(`ttl: must be a duration in milliseconds (a non-negative integer), got "${bad}"`);
    }
  });

  it('registration is idempotent', () => {
    registerConfigFormats();
    registerConfigFormats();
    expect(() => convict({ u: { default: 'https://a.example', format: 'url' } }).validate()).not.toThrow();
  });

  it('boolean environment values must be true or false', () => {
    const schema = { on: { default: false, format: Boolean, env: 'ON' } };
    expect(loadConfig({ schemas: [schema], env: { ON: 'FALSE' } }).get('on')).toBe(false);
    const error = catchRampartError(() => loadConfig({ schemas: [schema], env: { ON: 'no' } }));
    expect(error.message).toContain('on: must be true or false, got "no" from env ON. Fix: set ON to true or false.');
  });

  it('enum values from the environment match numbers too', () => {
    const schema = { level: { default: 1, format: [1, 2, 3], env: 'LEVEL' } };
    expect(loadConfig({ schemas: [schema], env: { LEVEL: '2' } }).get('level')).toBe(2);
    expect(catchRampartError(() => loadConfig({ schemas: [schema], env: { LEVEL: '4' } })).message).toContain(
      'level: must be one of 1, 2, 3, got "4" from env LEVEL',
    );
  });

  it("honours formats added to convict by others, with their coercion and convict's message", () => {
    convict.addFormat({
      name: 'test-even',
      validate(value: unknown) {
        if (typeof value !== 'number' || value % 2 !== 0) throw new Error('must be an even number');
      },
      coerce: (value: string) => Number(value),
    });
    const schema = { n: { default: 2, format: 'test-even', env: 'N', doc: 'an even number' } };
    expect(loadConfig({ schemas: [schema], env: { N: '4' } }).get('n')).toBe(4);
    const error = catchRampartError(() => loadConfig({ schemas: [schema], env: { N: '3' } }));
    expect(error.message).toContain(
      'n: is not valid (must be an even number), got "3" from env N. Fix: set N to a valid value (an even number).',
    );
  });

  it('coerces a string given in a file or in code with such a format, as convict does, and reports a coercion that fails', () => {
    convict.addFormat({
      name: 'test-size',
      validate(value: unknown) {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error('must be a whole number of bytes');
      },
      coerce(value: string) {
        const match = /^(\d+)(kb)?$/.exec(value);
        if (match === null) throw new Error('unreadable size');
        return Number(match[1]) * (match[2] === 'kb' ? 1024 : 1);
      },
    });
    const schema = { size: { default: 1, format: 'test-size', env: 'SIZE' }, other: { default: '2kb', format: 'test-size' } };
    const config = loadConfig({ schemas: [schema], values: { size: '3kb' }, env: {} });
    expect(config.get('size')).toBe(3072);
    expect(config.get('other')).toBe(2048); // the default, coerced by convict
    expect(config.sourceOf('size')).toBe('values');
    const unreadable = catchRampartError(() => loadConfig({ schemas: [schema], env: { SIZE: 'lots' } }));
    expect(unreadable.message).toContain('size: could not be read from env SIZE (unreadable size). Fix: give a valid "test-size" value.');
    const refused = catchRampartError(() => loadConfig({ schemas: [schema], values: { size: 1.5 }, env: {} }));
    expect(refused.message).toContain('size: is not valid (must be a whole number of bytes), got 1.5 from the values given in code.');
  });

  it('reads none of convict\'s private fields (only its public API: convict(), get, set, validate, addFormat)', () => {
    const sources = readdirSync(new URL('../src/', import.meta.url)).map((name) =>
      readFileSync(new URL(`../src/${name}`, import.meta.url), 'utf8'),
    );
    for (const source of sources) expect(source).not.toMatch(/\._(schema|format|instance|env|argv|sensitive|def)\b/);
  });

  it('runs format functions and honours nullable', () => {
    const schema = {
      name: { default: 'svc', format: (v: unknown) => { if (v !== 'svc' && v !== 'api') throw new Error('unknown'); } },
      maybe: { default: null, format: String, nullable: true },
    };
    expect(loadConfig({ schemas: [schema], values: { name: 'api' }, env: {} }).get('maybe')).toBeNull();
    const error = catchRampartError(() => loadConfig({ schemas: [schema], values: { name: 'x' }, env: {} }));
    expect(error.message).toContain('name: is not valid (unknown), got "x" from the values given in code');
  });
});
