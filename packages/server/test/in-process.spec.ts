import { createCa, issueCertificate } from '@rampart/pki';
import { RampartError, Status, type Interceptor, type PeerIdentity } from '@rampart/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type RampartApp } from '../src/index.js';
import { inProcessInvoker, type InProcessInvoker } from '../src/internal.js';
import { PingService, probe } from './fixtures/echo-service.js';
import { inProcessEchoApp, protoRoot, testConfigValues } from './fixtures/harness.js';

const peers: (PeerIdentity | undefined)[] = [];
/** Refuses calls whose metadata says `x-deny: yes`, before the handler; records the peer of every call. */
const gate: Interceptor = {
  name: 'gate',
  forMethod: () => ({
    onStart(ctx) {
      peers.push(ctx.peer);
      if (ctx.metadata.get('x-deny')[0] === 'yes') throw new RampartError('ERR_PERMISSION_DENIED', 'denied by the gate', { reason: 'x-deny' });
    },
  }),
};

let app: RampartApp;
let calls: InProcessInvoker;
const ECHO = '/rampart.test.v1.EchoService';

beforeAll(async () => {
  ({ app, calls } = await inProcessEchoApp('in-process-test', [gate]));
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  probe.reset();
  peers.length = 0;
});

describe('inProcessInvoker: the four call kinds through the interceptors and handlers, no listen()', () => {
  it('unary: the request and response make the wire round trip (defaults filled), metadata reaches the handler', async () => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'hi' }, { metadata: { 'x-test': 'seen' } });
    expect(outcome).toEqual({ status: Status.OK, details: '', response: { text: 'hi', index: 0 }, responses: [] });
    expect(probe.seenMetadata).toEqual(['seen']);
    expect(app.state).toBe('created');
  });

  it('server stream, client stream and bidi', async () => {
    const counted = await calls.invoke<{ index: number }>(`${ECHO}/Count`, { from: 0, to: 3, failAfter: -1 });
    expect(counted.status).toBe(Status.OK);
    expect(counted.responses.map((r) => r.index)).toEqual([0, 1, 2]);
    const collected = await calls.invoke(`${ECHO}/Collect`, [{ text: 'a' }, { text: 'b' }]);
    expect(collected).toMatchObject({ status: Status.OK, response: { text: 'a,b', index: 2 } });
    async function* requests() {
      yield { text: 'x' };
      yield { text: 'y' };
    }
    const chatted = await calls.invoke(`${ECHO}/Chat`, requests());
    expect(chatted).toMatchObject({ status: Status.OK, responses: [{ text: 'X', index: 0 }, { text: 'Y', index: 1 }] });
  });

  it('an interceptor refusal ends the call with its status and public message; the handler never runs', async () => {
    for (const [path, input] of [
      [`${ECHO}/Echo`, { text: 'hi' }],
      [`${ECHO}/Count`, { from: 0, to: 3 }],
      [`${ECHO}/Chat`, [{ text: 'x' }]],
    ] as const) {
      const outcome = await calls.invoke(path, input, { metadata: { 'x-deny': 'yes' } });
      expect({ status: outcome.status, details: outcome.details }).toEqual({ status: Status.PERMISSION_DENIED, details: 'denied by the gate' });
    }
    expect(probe.calls).toEqual([]);
  });

  it('handler errors map as on the wire: a RampartError to its status, a plain Error to INTERNAL without its text', async () => {
    expect(await calls.invoke(`${ECHO}/Echo`, { text: 'x', fail: 'ERR_NOT_FOUND' })).toMatchObject({ status: Status.NOT_FOUND, details: 'failed with ERR_NOT_FOUND' });
    const plain = await calls.invoke(`${ECHO}/Echo`, { text: 'x', fail: 'plain' });
    expect(plain.status).toBe(Status.INTERNAL);
    expect(plain.details).not.toContain('hunter2');
    const stopped = await calls.invoke<{ index: number }>(`${ECHO}/Count`, { from: 0, to: 5, failAfter: 1 });
    expect(stopped.status).toBe(Status.FAILED_PRECONDITION);
    expect(stopped.responses.map((r) => r.index)).toEqual([0, 1]);
  });

  it('a deadline that passes cancels the call with DEADLINE_EXCEEDED and aborts the handler', async () => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'slow', delayMs: 60_000 }, { deadline: new Date(Date.now() + 50) });
    expect(outcome.status).toBe(Status.DEADLINE_EXCEEDED);
    expect(probe.aborts.map((a) => a.method)).toEqual(['echo']);
  });

  it('the given peer certificate becomes ctx.peer (simulated, not verified); none gives no peer', async () => {
    const ca = await createCa({ commonName: 'in-process test CA' });
    const client = await issueCertificate(ca, { spiffeId: 'spiffe://test.rampart.dev/orders', usage: 'client' });
    await calls.invoke('/rampart.test.v1.PingService/Ping', {}, { peerCertificate: client.certPem });
    await calls.invoke('/rampart.test.v1.PingService/Ping', {});
    expect(peers.map((p) => p?.spiffeId)).toEqual(['spiffe://test.rampart.dev/orders', undefined]);
  });

  it('refuses an unknown path, and calls once the app is closed', async () => {
    await expect(calls.invoke('/rampart.test.v1.EchoService/Nope', {})).rejects.toMatchObject({ code: 'ERR_SERVICE_DEFINITION' });
    const other = await createApp({
      name: 'closed',
      services: [PingService],
      protos: { root: protoRoot },
      config: { values: testConfigValues, env: {} },
      handleSignals: false,
    });
    await other.close();
    await expect(inProcessInvoker(other).invoke('/rampart.test.v1.PingService/Ping', {})).rejects.toMatchObject({ code: 'ERR_APP_STATE' });
    expect(() => inProcessInvoker({})).toThrow(/not an app made by createApp/);
  });
});
