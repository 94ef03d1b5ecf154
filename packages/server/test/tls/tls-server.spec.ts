import { closeClient, createClient } from '@rampart/client';
import { Status, type Interceptor, type PeerIdentity } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type RampartApp } from '../../src/index.js';
import { EchoService, PingService } from '../fixtures/echo-service.js';
import { protoRoot, testConfigValues } from '../fixtures/harness.js';
import { healthClient } from '../fixtures/raw-clients.js';
import { PingServiceDescriptor } from '../generated/index.js';
import { clientCredentials, PkiFixture, TRUST_DOMAIN } from './pki-fixture.js';

const seen: (PeerIdentity | undefined)[] = [];
const recorder: Interceptor = { name: 'peer-recorder', forMethod: () => ({ onStart: (ctx) => void seen.push(ctx.peer) }) };

let pki: PkiFixture;
let app: RampartApp;
let address: string;

async function startTlsApp(values: Record<string, unknown> = {}): Promise<{ app: RampartApp; address: string }> {
  const started = await createApp({
    name: 'tls-test',
    services: [EchoService, PingService],
    protos: { root: protoRoot },
    interceptors: [recorder],
    config: { values: { ...testConfigValues, ...pki.values(), ...values }, env: {} },
    handleSignals: false,
  });
  const { port } = await started.listen();
  return { app: started, address: `127.0.0.1:${port}` };
}

function pingAs(client?: { certPem: string; keyPem: string }, caPem = pki.ca.certPem) {
  const ping = createClient(PingServiceDescriptor, {
    address,
    protoRoot,
    credentials: clientCredentials(caPem, client),
    channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
  });
  return { ping, close: () => closeClient(ping) };
}

beforeAll(async () => {
  pki = await PkiFixture.create();
  ({ app, address } = await startTlsApp());
});
afterAll(async () => {
  await app.close({ graceMs: 200 });
  pki.cleanup();
});

describe('TLS server', () => {
  it('answers the very first call after listen() resolves, and health reports SERVING (credentials were loaded first)', async () => {
    const fresh = await startTlsApp();
    try {
      const ping = createClient(PingServiceDescriptor, {
        address: fresh.address,
        protoRoot,
        credentials: clientCredentials(pki.ca.certPem),
      });
      expect(await ping.ping({}, { deadline: 5_000 })).toEqual({ ok: true });
      closeClient(ping);
    } finally {
      await fresh.app.close({ graceMs: 100 });
    }
  });

  it('refuses a plaintext client', async () => {
    const ping = createClient(PingServiceDescriptor, {
      address,
      protoRoot,
      credentials: (await import('@grpc/grpc-js')).credentials.createInsecure(),
    });
    const err = await rampartErrorOf(ping.ping({}, { deadline: 2_000 }));
    expect(err.status).toBe(Status.UNAVAILABLE);
    closeClient(ping);
  });

  it('puts the verified client identity on ctx.peer: SPIFFE ID, SANs, subject, serial, expiry, x5t#S256 thumbprint', async () => {
    const issued = await pki.client({ spiffeId: `spiffe://${TRUST_DOMAIN}/orders`, dnsNames: ['orders.internal'] });
    const { ping, close } = pingAs(issued);
    seen.length = 0;
    await ping.ping({});
    close();
    const peer = seen[0];
    expect(peer?.spiffeId).toBe(`spiffe://${TRUST_DOMAIN}/orders`);
    expect(peer?.trustDomain).toBe(TRUST_DOMAIN);
    expect(peer?.dnsNames).toEqual(['orders.internal']);
    expect(peer?.thumbprint).toBe(issued.thumbprint);
    expect(peer?.serialNumber.toLowerCase()).toBe(issued.serialNumber.toLowerCase().replace(/^0+/, '').padStart(peer?.serialNumber.length ?? 0, '0'));
    expect(Math.abs((peer?.notAfter.getTime() ?? 0) - issued.notAfter.getTime())).toBeLessThan(1_000);
  });

  it('has no peer for a client without a certificate (the port asks for one but does not require it)', async () => {
    const { ping, close } = pingAs();
    seen.length = 0;
    expect(await ping.ping({})).toEqual({ ok: true });
    close();
    expect(seen).toEqual([undefined]);
  });

  it.each([
    ['from an untrusted CA', 'untrusted'],
    ['expired', 'expired'],
    ['not yet valid', 'future'],
  ])('does not count a client certificate %s as an identity', async (_label, kind) => {
    const now = Date.now();
    const issued =
      kind === 'untrusted'
        ? await (async () => {
            const { createCa } = await import('@rampart/pki');
            const rogue = await createCa({ commonName: 'rogue' });
            return pki.client({ spiffeId: `spiffe://${TRUST_DOMAIN}/orders` }, rogue);
          })()
        : await pki.client({
            spiffeId: `spiffe://${TRUST_DOMAIN}/orders`,
            ...(kind === 'expired'
              ? { notBefore: new Date(now - 2 * 3_600_000), notAfter: new Date(now - 3_600_000) }
              : { notBefore: new Date(now + 3_600_000), notAfter: new Date(now + 2 * 3_600_000) }),
          });
    const { ping, close } = pingAs(issued);
    seen.length = 0;
    await ping.ping({}).catch(() => undefined);
    close();
    expect(seen.every((p) => p === undefined)).toBe(true);
  });

  it.each([
    ['no URI SAN', []],
    ['two URI SANs', [`spiffe://${TRUST_DOMAIN}/a`, `spiffe://${TRUST_DOMAIN}/b`]],
    ['a URI that is not a SPIFFE ID', ['https://example.com/orders']],
  ])('gives a certificate with %s no SPIFFE ID (X.509-SVID rules)', async (_label, uris) => {
    const issued = await pki.client({ unsafeUris: uris, dnsNames: ['client.internal'] });
    const { ping, close } = pingAs(issued);
    seen.length = 0;
    await ping.ping({});
    close();
    expect(seen[0]).toBeDefined();
    expect(seen[0]?.spiffeId).toBeUndefined();
    expect(seen[0]?.uris).toEqual(uris);
  });

  it('computes the identity once per connection and never hands it to another connection', async () => {
    const a = await pki.client({ spiffeId: `spiffe://${TRUST_DOMAIN}/a` });
    const b = await pki.client({ spiffeId: `spiffe://${TRUST_DOMAIN}/b` });
    const first = pingAs(a);
    const second = pingAs(b);
    seen.length = 0;
    await first.ping.ping({});
    await first.ping.ping({});
    await second.ping.ping({});
    await first.ping.ping({});
    first.close();
    second.close();
    expect(seen.map((p) => p?.spiffeId)).toEqual([
      `spiffe://${TRUST_DOMAIN}/a`,
      `spiffe://${TRUST_DOMAIN}/a`,
      `spiffe://${TRUST_DOMAIN}/b`,
      `spiffe://${TRUST_DOMAIN}/a`,
    ]);
    // The same object for calls on one connection: computed once (this also pins the grpc-js internal it relies on).
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toBe(seen[3]);
    expect(seen[2]).not.toBe(seen[0]);
  });

  it('health answers over TLS', async () => {
    const { credentials } = await import('@grpc/grpc-js');
    expect(credentials).toBeDefined();
    const health = healthClient(address, clientCredentials(pki.ca.certPem));
    expect(await health.check('')).toBe('SERVING');
    health.close();
  });
});

describe('TLS configuration errors', () => {
  it('names the missing file setting', async () => {
    const broken = await createApp({
      name: 'tls-broken',
      services: [PingService],
      protos: { root: protoRoot },
      config: {
        values: { ...testConfigValues, transport: { insecure: false, tls: { certFile: pki.certFile, keyFile: pki.keyFile, caFile: '/nonexistent/ca.pem' } } },
        env: {},
      },
      handleSignals: false,
    });
    await expect(broken.listen()).rejects.toThrow(/transport\.tls\.caFile: cannot read \/nonexistent\/ca\.pem\. Fix: point RAMPART_TLS_CA_FILE/);
  });

  it('refuses plaintext and TLS files together', async () => {
    const both = await createApp({
      name: 'tls-both',
      services: [PingService],
      protos: { root: protoRoot },
      config: { values: { ...testConfigValues, ...pki.values(), transport: { ...pki.values().transport, insecure: true } }, env: {} },
      handleSignals: false,
    });
    await expect(both.listen()).rejects.toThrow(/choose one/);
  });

  it('fails listen() when the key does not match the certificate, instead of serving a broken port', async () => {
    const other = await pki.client({ spiffeId: `spiffe://${TRUST_DOMAIN}/other` });
    const mismatched = `${pki.dir}/mismatched-key.pem`;
    pki.writeAtomic(mismatched, other.keyPem);
    const bad = await createApp({
      name: 'tls-bad-key',
      services: [PingService],
      protos: { root: protoRoot },
      config: {
        values: { ...testConfigValues, transport: { insecure: false, tls: { certFile: pki.certFile, keyFile: mismatched, caFile: pki.caFile, loadTimeoutMs: 1_000 } } },
        env: {},
      },
      handleSignals: false,
    });
    await expect(bad.listen()).rejects.toThrow();
    expect(bad.state).toBe('closed');
  });
});
