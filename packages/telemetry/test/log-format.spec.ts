import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/index.js';
import { resolveLogFormat } from '../src/log-destination.js';
import { REDACTED } from '../src/redaction-rules.js';
import { captureLines, makeJwt, tokenParts } from './fixtures.js';

describe('resolveLogFormat', () => {
  it('resolves auto to pretty only on a TTY outside production', () => {
    expect(resolveLogFormat('auto', { isTTY: true, nodeEnv: 'development' })).toBe('pretty');
    expect(resolveLogFormat('auto', { isTTY: true })).toBe('pretty');
    expect(resolveLogFormat('auto', { isTTY: true, nodeEnv: 'production' })).toBe('json');
    expect(resolveLogFormat('auto', { isTTY: false, nodeEnv: 'development' })).toBe('json');
  });

  it('keeps an explicit json or pretty whatever the terminal', () => {
    expect(resolveLogFormat('json', { isTTY: true })).toBe('json');
    expect(resolveLogFormat('pretty', { isTTY: false, nodeEnv: 'production' })).toBe('pretty');
  });
});

describe('createLogger format', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes pretty lines (level, message, fields; no JSON) with every secret redacted', () => {
    const out = captureLines();
    const logger = createLogger({ name: 'inventory', destination: out, format: 'pretty' });
    const jwt = makeJwt();
    logger.info({ sku: 'sku-1', metadata: { authorization: `Bearer ${jwt}` }, token: jwt }, `reserving for ${jwt}`);
    logger.child({ requestId: 'r-1', accessToken: jwt }).error({ err: new Error(`bad token ${jwt}`) }, 'failed');
    const text = out.text();
    expect(() => JSON.parse(out.lines[0]!) as unknown).toThrow();
    expect(text).toContain('INFO');
    expect(text).toContain('reserving for');
    expect(text).toContain('sku-1');
    expect(text).toContain('ERROR');
    expect(text).toContain('r-1');
    expect(text).toContain(REDACTED);
    for (const part of tokenParts(jwt)) expect(text).not.toContain(part);
  });

  it('writes JSON under auto when the lines go to a sink that is not the terminal', () => {
    const out = captureLines();
    createLogger({ name: 'inventory', destination: out, format: 'auto' }).info({ sku: 'sku-1' }, 'reserving');
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ name: 'inventory', sku: 'sku-1', msg: 'reserving' });
  });

  it('writes pretty lines to stdout without colours when stdout is not a TTY', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const jwt = makeJwt();
    createLogger({ name: 'inventory', format: 'pretty' }).warn({ password: 'hunter2-secret', token: jwt }, 'to stdout');
    const text = written.join('');
    expect(text).toContain('WARN');
    expect(text).toContain('to stdout');
    expect(text).not.toContain('\u001b[');
    expect(text).not.toContain('hunter2-secret');
    for (const part of tokenParts(jwt)) expect(text).not.toContain(part);
  });
});
