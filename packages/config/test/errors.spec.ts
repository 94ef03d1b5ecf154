import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { SERVER_SCHEMA, catchRampartError, makeTempDir, type TempDir } from './helpers.js';

describe('loadConfig errors', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('refuses an unknown key in a file, naming the key and the file', () => {
    const file = tmp.write('app.json', { server: { prot: 8080 } });
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], files: [file], env: {} }));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('server.prot: is not a known setting');
    expect(error.message).toContain(file);
    expect(error.message).toContain('did you mean "server.port"');
  });

  it('refuses an unknown key in values', () => {
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], values: { nope: 1 }, env: {} }));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('nope: is not a known setting, in the values given in code');
  });

  it('reports a bad value from the environment with the key, the variable and the fix', () => {
    const error = catchRampartError(() =>
      loadConfig({ schemas: [SERVER_SCHEMA], env: { RAMPART_SERVER_PORT: '99999' } }),
    );
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain(
      'server.port: must be a port (0-65535), got "99999" from env RAMPART_SERVER_PORT. ' +
        'Fix: set RAMPART_SERVER_PORT to a number between 0 and 65535.',
    );
  });

  it('does not read "80abc" as the port 80', () => {
    const env = { RAMPART_SERVER_PORT: '80abc' };
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], env }));
    expect(error.message).toContain('got "80abc" from env RAMPART_SERVER_PORT');
  });

  it('reports a bad value from a file with the key, the file and the fix', () => {
    const file = tmp.write('app.json', { server: { port: 'eighty' } });
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], files: [file], env: {} }));
    expect(error.message).toContain(
      `server.port: must be a port (0-65535), got "eighty" from file ${file}. Fix: set "server.port" in ${file}`,
    );
  });

  it('refuses a missing file, naming the path', () => {
    const missing = `${tmp.dir}/missing.json`;
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], files: [missing], env: {} }));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain(`config file ${missing}: does not exist`);
  });

  it('names RAMPART_CONFIG in the fix when the path came from it', () => {
    const missing = `${tmp.dir}/missing.json`;
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], env: { RAMPART_CONFIG: missing } }));
    expect(error.message).toContain('correct the paths in RAMPART_CONFIG');
  });

  it('refuses a directory given as a config file', () => {
    const dir = tmp.mkdir('conf.d');
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], files: [dir], env: {} }));
    expect(error.message).toContain(`config file ${dir}: is a directory`);
  });

  it('refuses invalid JSON, naming the path and the place, without quoting the file', () => {
    const file = tmp.write('broken.json', '{\n  "server": { "host": "secret-looking-text" \n  "port": 1 }\n}');
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], files: [file], env: {} }));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain(`config file ${file}: is not valid JSON`);
    expect(error.message).toContain('line 3');
    expect(error.message).not.toContain('secret-looking-text');
  });

  it('does not quote the file when V8 would show a snippet', () => {
    const file = tmp.write('broken.json', '{ "server": { "host": "s3cr3t-snippet", "port": } }');
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], files: [file], env: {} }));
    expect(error.message).toContain('is not valid JSON');
    expect(error.message).not.toContain('s3cr3t-snippet');
  });

  it('refuses a file whose top level is not an object', () => {
    const file = tmp.write('list.json', '[1, 2]');
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], files: [file], env: {} }));
    expect(error.message).toContain(`config file ${file}: must hold a JSON object`);
  });

  it('refuses a value given for a group of settings', () => {
    const file = tmp.write('app.json', { server: 8080 });
    const error = catchRampartError(() => loadConfig({ schemas: [SERVER_SCHEMA], files: [file], env: {} }));
    expect(error.message).toContain('server: is a group of settings, not a single value');
  });

  it('reports a required setting that nobody set', () => {
    const schema = { issuer: { url: { doc: 'Issuer', format: 'url', default: null, env: 'ISSUER_URL' } } };
    const error = catchRampartError(() => loadConfig({ schemas: [schema], env: {} }));
    expect(error.message).toContain(
      'issuer.url: is required but not set. Fix: set ISSUER_URL (or "issuer.url" in a config file) to an absolute URL',
    );
  });

  it('lists every problem in one error, one per line', () => {
    const file = tmp.write('app.json', { server: { prot: 1, shutdownGraceMs: -5 } });
    const error = catchRampartError(() =>
      loadConfig({ schemas: [SERVER_SCHEMA], files: [file], env: { RAMPART_SERVER_PORT: 'x' } }),
    );
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('configuration is invalid (3 problems):');
    expect(lines.slice(1).map((l) => l.trim().split(':')[0])).toEqual([
      'server.prot',
      'server.port',
      'server.shutdownGraceMs',
    ]);
  });
});
