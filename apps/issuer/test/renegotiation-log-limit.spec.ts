// A client that reconnects and renegotiates in a loop is refused every time, but does not decide how much the issuer
// logs: the first refusals of a window are logged with their peer, the rest counted into one line when it ends.
import { createLogger } from '@rampart/telemetry';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refuseRenegotiation } from '../src/tls-connections.js';
import { clientCredentials, createTestPki, INVENTORY, LogLines, removeTestPki, startIssuer, type TestPki } from './harness.js';
import { nodeRenegotiation } from './renegotiating-client.js';

const REFUSED = 'TLS renegotiation refused; connection closed';
const NOT_LOGGED = 'TLS renegotiation refused more often than logged; connections closed';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(async () => {
  await removeTestPki(pki);
});

const lines = (logs: LogLines, msg: string): Record<string, unknown>[] => logs.entries.filter((e) => e['msg'] === msg);

/** `times` renegotiating connections one after the other (each reconnects); what each client saw. */
async function renegotiateInALoop(port: number, times: number): Promise<(string | undefined)[]> {
  const outcomes: (string | undefined)[] = [];
  for (let i = 0; i < times; i++) outcomes.push(await nodeRenegotiation(port, { ca: pki.ca.certPem, client: pki.clients.web }));
  return outcomes;
}

describe('the renegotiation refusal log', () => {
  it('logs the first refusals of a window with their peer and counts the rest into one line when the window ends', async () => {
    const logs = new LogLines();
    const server = createServer({ cert: pki.server.chainPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false });
    refuseRenegotiation(server, createLogger({ name: 'reneg-test', destination: logs.stream }), { burst: 2, intervalMs: 4_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const startedAt = Date.now();
      const outcomes = await renegotiateInALoop(port, 8);
      expect(Date.now() - startedAt, 'the loop fits in one window (else the counts below are not one window’s)').toBeLessThan(4_000);
      expect(outcomes).toEqual(Array(8).fill('the server closed the connection')); // every connection refused, as before
      expect(lines(logs, REFUSED)).toHaveLength(2);
      expect(lines(logs, REFUSED)[0]).toMatchObject({ level: 40, remoteAddress: '127.0.0.1', reason: 'ERR_TLS_RENEGOTIATION_DISABLED' });
      expect(lines(logs, NOT_LOGGED)).toHaveLength(0); // not before the window ends
      await expect.poll(() => lines(logs, NOT_LOGGED).length, { timeout: 8_000, interval: 100 }).toBe(1);
      expect(lines(logs, NOT_LOGGED)[0]).toMatchObject({ level: 40, notLogged: 6, remoteAddresses: ['127.0.0.1'], intervalMs: 4_000, burst: 2 });
      // A new window: the next refusal is logged with its peer again.
      expect(await renegotiateInALoop(port, 1)).toEqual(['the server closed the connection']);
      expect(lines(logs, REFUSED)).toHaveLength(3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('at the issuer: a loop of renegotiating clients is refused each time, 5 lines logged, the rest counted at close; tokens still served', async () => {
    const started = await startIssuer(pki);
    let closed = false;
    try {
      const granted = started.granted();
      const outcomes = await renegotiateInALoop(started.port, 12);
      expect(outcomes).toEqual(Array(12).fill('the server closed the connection'));
      expect(started.granted()).toBe(granted); // nothing was issued on those connections
      expect(lines(started.logs, REFUSED)).toHaveLength(5);
      expect(lines(started.logs, NOT_LOGGED)).toHaveLength(0); // the window (a minute) is still open
      const token = await clientCredentials(started.url, pki, 'orders', INVENTORY);
      expect(token.split('.')).toHaveLength(3);
      await started.issuer.close();
      closed = true;
      expect(lines(started.logs, NOT_LOGGED)).toEqual([expect.objectContaining({ notLogged: 7, remoteAddresses: ['127.0.0.1'], intervalMs: 60_000, burst: 5 })]);
    } finally {
      if (!closed) await started.issuer.close();
    }
  });
});
