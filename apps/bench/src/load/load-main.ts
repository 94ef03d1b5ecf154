/**
 * A load generator process: opens its connections once, then runs, measures and pauses its closed loop as the
 * orchestrator says (see `ToLoad`), for as many rounds as the run has.
 */
import { readFileSync } from 'node:fs';
import { LOAD_ENV, type FromLoad, type LoadConfig, type ToLoad } from '../ipc.js';
import { ClosedLoop } from './closed-loop.js';
import { planFor } from './plan.js';
import { openReconnecting } from './open.js';

const send = (message: FromLoad): void => void process.send?.(message);
async function main(): Promise<void> {
  const config = JSON.parse(process.env[LOAD_ENV] ?? '{}') as LoadConfig;
  const { fixtures } = config;
  const tls = config.tls
    ? {
        caPem: readFileSync(fixtures.caFile, 'utf8'),
        certPem: readFileSync(fixtures.clientCertFile, 'utf8'),
        keyPem: readFileSync(fixtures.clientKeyFile, 'utf8'),
      }
    : undefined;
  const connections = await Promise.all(
    Array.from({ length: config.connections }, () => openReconnecting(config.client, { port: config.port, ...(tls ? { tls } : {}) })),
  );
  const loop = new ClosedLoop(connections, planFor(config), config.concurrency);
  let reportedErrors = 0;
  const errorsSinceLastReport = (): number => {
    const errors = loop.errors - reportedErrors;
    reportedErrors = loop.errors;
    return errors;
  };
  let queue = Promise.resolve();
  const handle = async (message: ToLoad): Promise<void> => {
    switch (message.type) {
      case 'run':
        loop.start(undefined, message.concurrency);
        send({ type: 'running' });
        break;
      case 'measure':
        loop.beginWindow();
        break;
      case 'stop': {
        const window = loop.endWindow();
        await loop.stop();
        send({ type: 'result', ...window, errors: errorsSinceLastReport(), firstError: loop.firstError });
        break;
      }
      case 'count': {
        const before = loop.completed;
        loop.start(message.calls);
        await loop.finished();
        send({ type: 'done', calls: loop.completed - before, errors: errorsSinceLastReport(), firstError: loop.firstError });
        break;
      }
      case 'exit':
        await loop.stop();
        for (const c of connections) c.close();
        process.disconnect?.();
        break;
    }
  };
  // One message at a time, in order: a `stop` waits for the loop to pause before the next `run`.
  process.on('message', (raw) => {
    queue = queue.then(() => handle(raw as ToLoad)).catch((error: unknown) => send({ type: 'error', message: String(error) }));
  });
  process.on('disconnect', () => {
    void loop.stop().then(() => connections.forEach((c) => c.destroy()));
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
