import { closeClient, createClient } from '@rampart/client';
import { createCa } from '@rampart/pki';
import { eventually, waitFor } from '@rampart/test-support';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type RampartApp } from '../../src/index.js';
import { PingService } from '../fixtures/echo-service.js';
import { protoRoot, testConfigValues } from '../fixtures/harness.js';
import { PingServiceDescriptor } from '../generated/index.js';
import { clientCredentials, PkiFixture, TRUST_DOMAIN } from './pki-fixture.js';
import type { Interceptor, PeerIdentity } from '@rampart/core';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const thumb = (raw: Buffer) => createHash('sha256').update(raw).digest('base64url');

let pki: PkiFixture;
let app: RampartApp;
afterEach(async () => {
  await app?.close({ graceMs: 200 });
  pki?.cleanup();
});

async function start(peers?: (PeerIdentity | undefined)[]): Promise<string> {
  // Records the peer of probe calls only (the background loop's calls carry no x-probe).
  const recorder: Interceptor = {
    name: 'peers',
    forMethod: () => ({
      onStart: (ctx) => {
        if (ctx.metadata.get('x-probe')[0] === '1') peers?.push(ctx.peer);
      },
    }),
  };
  app = await createApp({
    name: 'rotation-test',
    services: [PingService],
    protos: { root: protoRoot },
    interceptors: [recorder],
    config: { values: { ...testConfigValues, ...pki.values(200) }, env: {} },
    handleSignals: false,
  });
  const { port } = await app.listen();
  return `127.0.0.1:${port}`;
}

/** Keeps calling: each round on a new connection, recording the server certificate it was shown. */
function callLoop(address: string, caPem: () => string, client?: () => { certPem: string; keyPem: string }) {
  const shown: string[] = [];
  const failures: unknown[] = [];
  let calls = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const ping = createClient(PingServiceDescriptor, {
        address,
        protoRoot,
        credentials: clientCredentials(caPem(), client?.(), (cert) => shown.push(thumb(cert.raw))),
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
      });
      try {
        await ping.ping({}, { deadline: 3_000 });
        calls += 1;
      } catch (error) {
        failures.push(error);
      } finally {
        closeClient(ping);
      }
      await sleep(15); // a sleep on purpose: one new connection every 15 ms or so
    }
  })();
  return {
    shown,
    failures,
    get calls() {
      return calls;
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

describe('certificate rotation without a restart', () => {
  it('keeps every call succeeding while the server certificate and key are replaced; new connections get the new certificate', async () => {
    pki = await PkiFixture.create();
    const address = await start();
    const loop = callLoop(address, () => pki.ca.certPem);
    await waitFor(() => loop.calls > 3, 'four calls before the rotation');
    const before = loop.shown.at(-1);
    const rotated = await pki.rotateServer();
    const rotatedAt = Date.now();
    await waitFor(() => loop.shown.includes(rotated.thumbprint), 'a connection to get the new certificate', { timeoutMs: 3_000 });
    const seenNewAfter = Date.now() - rotatedAt;
    const callsAtNew = loop.calls;
    await waitFor(() => loop.calls >= callsAtNew + 5, 'five more calls after the rotation');
    await loop.stop();
    expect(loop.failures).toEqual([]);
    expect(before).not.toBe(rotated.thumbprint);
    // Within the refresh interval (200 ms) plus scheduling slack.
    expect(seenNewAfter).toBeLessThan(2_000);
    expect(loop.shown.at(-1)).toBe(rotated.thumbprint);
  });

  it('accepts clients of both CAs while the trust bundle lists old and new, and only the new one after the old is removed', async () => {
    pki = await PkiFixture.create();
    const peers: (PeerIdentity | undefined)[] = [];
    const address = await start(peers);
    const ca2 = await createCa({ commonName: 'Rampart test CA 2' });
    const oldClient = await pki.client({ spiffeId: `spiffe://${TRUST_DOMAIN}/old` });
    const newClient = await pki.client({ spiffeId: `spiffe://${TRUST_DOMAIN}/new` }, ca2);
    const trustBoth = () => `${pki.ca.certPem}\n${ca2.certPem}`;

    const callAs = async (client: { certPem: string; keyPem: string }): Promise<string | undefined> => {
      peers.length = 0;
      const ping = createClient(PingServiceDescriptor, {
        address,
        protoRoot,
        credentials: clientCredentials(trustBoth(), client),
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
      });
      await ping.ping({}, { deadline: 3_000, metadata: { 'x-probe': '1' } });
      closeClient(ping);
      return peers[0]?.spiffeId;
    };
    /** Calls until the file watcher (refresh 200 ms) has picked the change up; fails after 5 s with what it saw. */
    const seenAs = async (client: { certPem: string; keyPem: string }, expected: string | undefined): Promise<void> => {
      expect(await eventually(() => callAs(client), (got) => got === expected, { intervalMs: 100 })).toBe(expected);
    };

    expect(await callAs(oldClient)).toBe(`spiffe://${TRUST_DOMAIN}/old`);
    expect(await callAs(newClient)).toBeUndefined(); // CA 2 is not trusted yet

    // Overlap: the bundle lists both CAs; calls keep succeeding throughout.
    const loop = callLoop(address, trustBoth, () => oldClient);
    pki.writeAtomic(pki.caFile, trustBoth());
    await seenAs(newClient, `spiffe://${TRUST_DOMAIN}/new`);
    expect(await callAs(oldClient)).toBe(`spiffe://${TRUST_DOMAIN}/old`);

    // The server moves to a CA 2 certificate and the old CA leaves the bundle.
    await pki.rotateServer(ca2);
    pki.writeAtomic(pki.caFile, ca2.certPem);
    await seenAs(oldClient, undefined);
    await loop.stop();
    expect(loop.failures).toEqual([]);
    expect(await callAs(newClient)).toBe(`spiffe://${TRUST_DOMAIN}/new`);
  });
});
