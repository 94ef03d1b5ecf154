import { describe, expect, it } from 'vitest';
import { describeConfig } from '../src/index.js';
import { DB_SCHEMA, SERVER_SCHEMA, catchRampartError } from './helpers.js';

describe('describeConfig', () => {
  const table = describeConfig([
    SERVER_SCHEMA,
    DB_SCHEMA,
    { log: { level: { default: 'info', format: ['debug', 'info'], doc: 'Level | verbosity' } } },
  ]);
  const lines = table.split('\n');

  it('starts with the header row', () => {
    expect(lines[0]).toBe('| Key | Env var | Default | Format | Sensitive | Description |');
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- |');
  });

  it('has one row per setting, sorted by key', () => {
    expect(lines.slice(2).map((l) => l.split(' | ')[0])).toEqual([
      '| `db.password`',
      '| `db.url`',
      '| `log.level`',
      '| `server.host`',
      '| `server.port`',
      '| `server.shutdownGraceMs`',
    ]);
  });

  it('shows env var, default, format, sensitivity and doc', () => {
    expect(lines).toContain('| `server.port` | `RAMPART_SERVER_PORT` | `50051` | port | no | gRPC port |');
    expect(lines).toContain(
      '| `db.password` | `DB_PASSWORD` or `DB_PASSWORD_FILE` | _required_ | string | yes | Database password |',
    );
    expect(lines).toContain('| `server.shutdownGraceMs` | — | `10000` | duration-ms | no | Grace period |');
    expect(lines).toContain('| `log.level` | — | `"info"` | one of `"debug"`, `"info"` | no | Level \\| verbosity |');
  });

  it('refuses an invalid schema like mergeSchemas', () => {
    const error = catchRampartError(() => describeConfig([{ s: { default: null, sensitive: true } }]));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
  });
});
