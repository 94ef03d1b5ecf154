import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GracefulClose } from '../src/graceful-close.js';
import { createTestPki, removeTestPki, type TestPki } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => removeTestPki(pki));

describe('GracefulClose', () => {
  it('holds no response of a connection that went away, pipelined ones included', async () => {
    // On Node 20 and 22 a pipelined response whose connection went away emits neither 'finish' nor 'close': anything
    // that keeps responses until those events grows with every such client.
    const responses: WeakRef<ServerResponse>[] = [];
    const server = createServer({ cert: pki.server.chainPem, key: pki.server.keyPem }, (_req, res) => {
      shutdown.track(res);
      responses.push(new WeakRef(res));
      setTimeout(() => res.destroyed || res.end('x'), 50);
    });
    const shutdown = new GracefulClose(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < 10; i += 1) {
      const socket = connect({ host: '127.0.0.1', port, ca: pki.ca.certPem, servername: 'localhost' });
      await new Promise((done) => socket.once('secureConnect', done));
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(5));
      await new Promise((done) => setTimeout(done, 20));
      const closed = new Promise((done) => socket.once('close', done));
      socket.destroy();
      await closed;
    }
    await new Promise((done) => setTimeout(done, 200)); // every handler's timer has run
    expect(responses.length).toBeGreaterThan(10);
    gc();
    await new Promise((done) => setImmediate(done)); // WeakRefs are kept alive until the end of the job that made them
    gc();
    expect(responses.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    await shutdown.close(1_000, () => undefined);
  });
});
