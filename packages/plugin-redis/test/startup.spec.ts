// Start-up: the dependency check, the secrets rule for the URL, and an unreachable or misconfigured Redis.
import { RampartError, Status } from '@rampart/core';
import { rampartErrorOf, redisInstalled, RedisServer, SKIP_REASON } from '@rampart/test-support';
import { freePort, TestIssuer, withBearer } from '@rampart/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampartRedis } from '../src/index.js';
import { recordingLogger } from './support/log-lines.js';
import { startReplica } from './support/replicas.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'ledger' });
});
afterAll(() => issuer?.stop());

const startFailure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('start-up should have failed');
    },
    (e: unknown) => e as Error,
  );

describe('start-up checks', () => {
  it('the Redis plugin without rampart-auth stops start-up with a message that names the missing plugin', async () => {
    const err = await startFailure(startReplica(issuer, 'redis://127.0.0.1:1', { plugins: [rampartRedis()] }));
    expect(err).toBeInstanceOf(RampartError);
    expect((err as RampartError).code).toBe('ERR_PLUGIN_DEPENDENCY');
    expect(err.message).toBe('plugin "rampart-redis" depends on "rampart-auth", which is not registered: add it to `plugins`');
  });

  it('an unset URL stops start-up naming the variables to set', async () => {
    const err = await startFailure(startReplica(issuer, undefined));
    expect((err as RampartError).code).toBe('ERR_CONFIG_INVALID');
    expect(err.message).toContain('RAMPART_REDIS_URL');
  });

  it('a URL in config values (it may carry a password) is refused as an inline secret', async () => {
    const err = await startFailure(startReplica(issuer, undefined, { values: { redis: { url: 'redis://:pw@127.0.0.1:6379' } } }));
    expect((err as RampartError).code).toBe('ERR_CONFIG_INLINE_SECRET');
    expect(err.message).not.toContain('pw@');
  });

  it('an unreachable Redis stops start-up within redis.connectTimeoutMs, naming the address but not the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await startFailure(
      startReplica(issuer, `redis://:hunter2@127.0.0.1:${port}`, { values: { redis: { connectTimeoutMs: 500 } } }),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(err.message).toContain('rampart-redis: onInit hook failed');
    expect(err.message).toContain(`cannot connect to Redis at redis://127.0.0.1:${port}`);
    expect(err.message).not.toContain('hunter2');
  });
});

describe.skipIf(!redisInstalled)(`a Redis with a password${SKIP_REASON}`, () => {
  const password = 'correct horse battery staple';
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await RedisServer.start({ password });
    dir = mkdtempSync(join(tmpdir(), 'rampart-redis-'));
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the URL from RAMPART_REDIS_URL_FILE, works, and never logs the password', async () => {
    const file = join(dir, 'redis-url');
    writeFileSync(file, `${redis.urlWithPassword}\n`, { mode: 0o600 });
    const log = recordingLogger('ledger');
    const r = await startReplica(issuer, undefined, { env: { RAMPART_REDIS_URL_FILE: file }, logger: log.logger });
    try {
      const token = await issuer.mint({ sub: 'alice' }, { scope: 'ledger:read ledger:spend' });
      expect(await r.ledger.spend({ account: 'a', amount: 2 }, withBearer(token))).toEqual({ spent: 2 });
      expect((await rampartErrorOf(r.ledger.spend({ account: 'a', amount: 2 }, withBearer(token)))).status).toBe(Status.UNAUTHENTICATED);
      await redis.stop();
      expect((await rampartErrorOf(r.ledger.balance({ account: 'a' }, withBearer(token)))).status).toBe(Status.UNAVAILABLE);
      await redis.restart();
    } finally {
      await r.t.close();
    }
    expect(log.text()).toContain('connected to redis');
    expect(log.text()).toContain('redis unavailable');
    expect(log.text()).not.toContain(encodeURIComponent(password));
    expect(log.text()).not.toContain(password);
  });

  it('a wrong password stops start-up with a clear message that does not show it', async () => {
    const err = await startFailure(
      startReplica(issuer, `redis://:wrong-password@127.0.0.1:${redis.port}`, { values: { redis: { connectTimeoutMs: 1_000 } } }),
    );
    expect(err.message).toContain(`cannot connect to Redis at redis://127.0.0.1:${redis.port}`);
    expect(err.message).toMatch(/WRONGPASS/);
    expect(err.message).not.toContain('wrong-password');
  });
});
