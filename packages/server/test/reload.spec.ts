import { createLogger } from '@rampart/telemetry';
import { ServerCredentials } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../src/lifecycle.js';
import { reloadApp } from '../src/reload.js';

function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'reload-test', level: 'info', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  return { logger, lines };
}

const transport = (reload: () => Promise<Record<string, { result: 'changed' | 'unchanged' | 'refused' }>>) => ({
  credentials: ServerCredentials.createInsecure(),
  secure: true,
  ready: Promise.resolve(),
  reload,
  close() {},
});

describe('reloadApp', () => {
  it('runs every onReload hook even when the transport or a hook fails, and logs each failure', async () => {
    const { logger, lines } = capturingLogger();
    const lifecycle = new Lifecycle();
    const ran: string[] = [];
    lifecycle.on('onReload', 'broken', () => Promise.reject(new Error('cannot reload')));
    lifecycle.on('onReload', 'clients', () => void ran.push('clients'));
    const result = await reloadApp({ transport: transport(() => Promise.reject(new Error('disk gone'))), lifecycle, logger }, 'SIGHUP');
    expect(result).toEqual({});
    expect(ran).toEqual(['clients']);
    expect(lines.map((l) => [l['msg'], l['plugin']])).toEqual([
      ['TLS files could not be re-read', undefined],
      ['lifecycle hook failed', 'broken'],
    ]);
  });

  it('logs what each file set did, as an error when one was refused', async () => {
    const { logger, lines } = capturingLogger();
    const lifecycle = new Lifecycle();
    await reloadApp({ transport: transport(() => Promise.resolve({ certificate: { result: 'changed' }, trustBundles: { result: 'unchanged' } })), lifecycle, logger }, 'SIGHUP');
    await reloadApp({ transport: transport(() => Promise.resolve({ certificate: { result: 'refused' }, trustBundles: { result: 'unchanged' } })), lifecycle, logger }, 'reload()');
    expect(lines).toMatchObject([
      { level: 30, msg: 'TLS files re-read', trigger: 'SIGHUP', certificate: { result: 'changed' }, trustBundles: { result: 'unchanged' } },
      { level: 50, msg: 'TLS files re-read: some refused, the previous ones stay in use', trigger: 'reload()' },
    ]);
    expect(await reloadApp({ transport: undefined, lifecycle, logger }, 'SIGHUP')).toEqual({});
    expect(lines).toHaveLength(2);
  });
});
