import { describe, expect, expectTypeOf, it } from 'vitest';
import { RampartError, type Logger } from '@rampart/core';
import type { Logger as PinoLogger } from 'pino';
import { createLogger } from '../src/index.js';
import { REDACTED } from '../src/redaction-rules.js';
import { captureLines, makeJwt, makePrivateKeyPem, tokenParts } from './fixtures.js';

function setup(level = 'info') {
  const out = captureLines();
  const logger = createLogger({ name: 'inventory', level, destination: out });
  const jwt = makeJwt();
  const expectClean = (): void => {
    const text = out.text();
    expect(text.length).toBeGreaterThan(0);
    for (const part of tokenParts(jwt)) expect(text).not.toContain(part);
  };
  const last = (): Record<string, unknown> => JSON.parse(out.lines.at(-1) ?? 'null') as Record<string, unknown>;
  return { out, logger, jwt, expectClean, last };
}

/** grpc-js Metadata's shape: a map of arrays behind get(), getMap() and toJSON(). */
class FakeMetadata {
  private readonly map = new Map<string, string[]>();
  set(key: string, value: string): this {
    this.map.set(key, [value]);
    return this;
  }
  get(key: string): string[] {
    return this.map.get(key) ?? [];
  }
  getMap(): Record<string, string> {
    return Object.fromEntries([...this.map].map(([k, v]) => [k, v[0] ?? '']));
  }
  toJSON(): Record<string, string[]> {
    return Object.fromEntries(this.map);
  }
}

describe('createLogger', () => {
  it("satisfies core's Logger interface", () => {
    const { logger } = setup();
    expectTypeOf(logger).toMatchTypeOf<Logger>();
    const asCore: Logger = logger;
    const child: Logger = asCore.child({ requestId: 'r-1' });
    expect(child.isLevelEnabled('info')).toBe(true);
    expect(child.isLevelEnabled('debug')).toBe(false);
  });

  it('writes JSON lines with the app name, base fields and level, at info by default', () => {
    const out = captureLines();
    const logger = createLogger({ name: 'inventory', destination: out, base: { env: 'test' } });
    logger.debug('hidden');
    logger.info({ sku: 'sku-1' }, 'reserving');
    expect(out.lines).toHaveLength(1);
    const line = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ name: 'inventory', env: 'test', level: 30, sku: 'sku-1', msg: 'reserving' });
    expect(line.pid).toBe(process.pid);
  });

  it('scrubs a token inside a message string and in format arguments', () => {
    const { logger, jwt, expectClean, out } = setup();
    logger.info(`rejected token ${jwt} from orders`);
    logger.info('rejected token %s from %s', jwt, 'orders');
    logger.info({ caller: 'orders' }, 'rejected %j', { access_token: jwt, scope: 'inventory:read' });
    expectClean();
    const [a, b, c] = out.lines.map((l) => JSON.parse(l) as { msg: string });
    expect(a!.msg).toBe(`rejected token ${REDACTED} from orders`);
    expect(b!.msg).toBe(`rejected token ${REDACTED} from orders`);
    expect(c!.msg).toContain('inventory:read');
  });

  it('redacts authorization as a field, in a metadata map, and in a grpc-js-like Metadata object', () => {
    const { logger, jwt, expectClean, last } = setup();
    logger.info({ authorization: `Bearer ${jwt}`, user: 'alice' }, 'call');
    expect(last()).toMatchObject({ authorization: REDACTED, user: 'alice' });
    logger.info({ metadata: { authorization: [`Bearer ${jwt}`], 'x-request-id': 'req-42' } }, 'metadata');
    expect(last()).toMatchObject({ metadata: { authorization: REDACTED, 'x-request-id': 'req-42' } });
    const md = new FakeMetadata().set('authorization', `Bearer ${jwt}`).set('x-request-id', 'req-43');
    logger.info({ md }, 'grpc metadata');
    expect(last()).toMatchObject({ md: { authorization: REDACTED, 'x-request-id': ['req-43'] } });
    logger.info({ Authorization: `Bearer ${jwt}`, headers: { 'Proxy-Authorization': `Bearer ${jwt}` } }, 'headers');
    expectClean();
  });

  it('scrubs tokens and keys nested deep inside objects and arrays, keeping innocent values', () => {
    const { logger, jwt, expectClean, last } = setup();
    const pem = makePrivateKeyPem();
    logger.info(
      {
        order: {
          id: 'ord-7',
          lines: [
            { sku: 'sku-1', note: `forwarded with bearer ${jwt}` },
            { sku: 'sku-2', client: { secret: 's3cr3t-v4lue' } },
          ],
          upstream: { tls: { cert: 'CERTIFICATE-PUBLIC', pem }, refreshToken: 'opaque-refresh-value' },
        },
      },
      'deep',
    );
    expectClean();
    const text = JSON.stringify(last());
    for (const innocent of ['ord-7', 'sku-1', 'sku-2', 'CERTIFICATE-PUBLIC', 'forwarded with bearer']) {
      expect(text).toContain(innocent);
    }
    for (const secret of ['s3cr3t-v4lue', 'opaque-refresh-value', pem.split('\n')[1]!]) {
      expect(text).not.toContain(secret);
    }
  });

  it('scrubs an Error message, stack, cause and own properties, logged alone or under err', () => {
    const { logger, jwt, expectClean, out } = setup();
    const cause = new Error(`upstream said Bearer ${jwt}`);
    const err = Object.assign(new Error(`verify failed for ${jwt} (kid key-7)`, { cause }), {
      code: 'E_VERIFY',
      token: jwt,
    });
    logger.error(err);
    logger.error({ err }, 'reserve failed');
    const reason = `aud mismatch ${jwt}`;
    logger.warn({ err: new RampartError('ERR_INTERNAL', 'internal error', { cause: err, reason }) });
    expectClean();
    const [alone, under, wrapped] = out.lines.map((l) => JSON.parse(l) as { msg: string; err: Record<string, string> });
    expect(alone!.msg).toBe(`verify failed for ${REDACTED} (kid key-7)`);
    expect(alone!.err.message).toContain(`upstream said Bearer ${REDACTED}`);
    expect(alone!.err.stack).toContain('caused by: Error: upstream said Bearer');
    expect(alone!.err.stack).toContain('logger.spec.ts');
    expect(alone!.err).toMatchObject({ type: 'Error', code: 'E_VERIFY', token: REDACTED });
    expect(under!.msg).toBe('reserve failed');
    expect(wrapped!.err).toMatchObject({
      type: 'RampartError',
      code: 'ERR_INTERNAL',
      reason: `aud mismatch ${REDACTED}`,
    });
    expect(wrapped!.err.message).toContain('verify failed for');
    // the caller's error is untouched
    expect(err.message).toContain(jwt);
  });

  it("keeps redaction in child loggers' bindings and lines, at every level of nesting", () => {
    const { logger, jwt, expectClean, last } = setup();
    const child = logger.child({ requestId: 'req-9', authorization: `Bearer ${jwt}`, note: `token ${jwt}` });
    child.info({ token: jwt, sku: 'sku-1' }, 'child line');
    expect(last()).toMatchObject({
      requestId: 'req-9',
      authorization: REDACTED,
      note: `token ${REDACTED}`,
      sku: 'sku-1',
    });
    const grandchild = child.child({ principal: 'orders', cnf: { 'x5t#S256': 'thumb' }, idToken: jwt });
    grandchild.warn(`again ${jwt}`);
    expect(last()).toMatchObject({
      requestId: 'req-9',
      principal: 'orders',
      idToken: REDACTED,
      msg: `again ${REDACTED}`,
    });
    (grandchild as PinoLogger).setBindings({ late: `Bearer ${jwt}` });
    grandchild.info('after setBindings');
    expect(last().late).toBe(`Bearer ${REDACTED}`);
    expectClean();
  });

  it("keeps redaction when a child passes its own pino redact, formatters or serializers", () => {
    const { logger, jwt, expectClean, last } = setup();
    const child = logger.child(
      { requestId: 'req-10' },
      {
        redact: ['user.ssn'],
        formatters: { log: (o) => ({ ...o, echoed: `Bearer ${jwt}` }) },
        serializers: { user: (u: { name: string }) => ({ ...u, session: jwt }) },
      },
    );
    child.info({ authorization: jwt, user: { name: 'alice', ssn: '123-45-6789' } }, 'child options');
    expectClean();
    expect(last()).toMatchObject({
      requestId: 'req-10',
      authorization: REDACTED,
      user: { name: 'alice', ssn: REDACTED },
    });
  });

  it('survives cycles and binary data without leaking them', () => {
    const { logger, jwt, expectClean, last } = setup();
    const loop: Record<string, unknown> = { name: 'loop', token: jwt };
    loop.self = loop;
    logger.info({ loop, raw: Buffer.from(`Bearer ${jwt}`) }, 'odd values');
    expectClean();
    expect(last()).toMatchObject({ loop: { name: 'loop', token: REDACTED, self: '[circular]' } });
    expect(last().raw).toMatch(/^\[binary \d+ bytes\]$/);
  });

  it('passes clean lines through unchanged', () => {
    const { logger, last } = setup();
    const payload = { sku: 'sku-1', quantity: 3, tags: ['a', 'b'], nested: { ok: true, key_id: 'k1' } };
    logger.info({ ...payload, at: new Date(0) }, 'reserving 3 of sku-1 for orders.v1');
    const at = new Date(0).toISOString();
    expect(last()).toMatchObject({ ...payload, at, msg: 'reserving 3 of sku-1 for orders.v1' });
  });
});
