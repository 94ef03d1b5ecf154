import { X509Certificate } from 'node:crypto';
import { rampartErrorOf, waitFor } from '@rampart/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { leaseJwtSource, workloadCertificateSource } from '../src/index.js';
import { TestWorkloadApi } from '../src/testing.js';

// The shared-source leases: one FetchX509SVID (or FetchJWTBundles) stream per process for every holder.
const ORDERS = 'spiffe://test.rampart.dev/orders';
const ADMIN = 'spiffe://test.rampart.dev/orders-admin';
const FAST = { initialMs: 20, maxMs: 200, jitter: 0 };
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function agentWith(identities = [{ spiffeId: ORDERS }]): Promise<TestWorkloadApi> {
  const agent = await TestWorkloadApi.start({ identities });
  cleanup.push(() => agent.close());
  return agent;
}

const spiffeIdOf = (pem: Buffer | undefined): string | undefined => (pem === undefined ? undefined : new X509Certificate(pem).subjectAltName);

describe('workloadCertificateSource leases', () => {
  it('a holder that chooses its SVID with pick gets the one it picked, not the one another holder picked', async () => {
    const agent = await agentWith([{ spiffeId: ORDERS }, { spiffeId: ADMIN }]);
    const plain = workloadCertificateSource({ address: agent.address, backoff: FAST, pick: (svids) => svids.find((s) => s.spiffeId === ORDERS) });
    cleanup.push(() => plain.close());
    const admin = workloadCertificateSource({ address: agent.address, backoff: FAST, pick: (svids) => svids.find((s) => s.spiffeId === ADMIN) });
    cleanup.push(() => admin.close());
    await Promise.all([plain.ready, admin.ready]);
    expect(spiffeIdOf(plain.identity()?.certificate)).toBe(`URI:${ORDERS}`);
    expect(spiffeIdOf(admin.identity()?.certificate)).toBe(`URI:${ADMIN}`);
  });

  it('one holder closing keeps the stream, listeners and rotations of the others; the last one ends the stream', async () => {
    const agent = await agentWith();
    const a = workloadCertificateSource({ address: agent.address, backoff: FAST });
    const b = workloadCertificateSource({ address: agent.address, backoff: FAST });
    cleanup.push(() => a.close(), () => b.close());
    const seenByA: Buffer[] = [];
    const seenByB: Buffer[] = [];
    a.addIdentityCertificateListener((pair) => pair && seenByA.push(pair.certificate));
    b.addIdentityCertificateListener((pair) => pair && seenByB.push(pair.certificate));
    await Promise.all([a.ready, b.ready]);
    await waitFor(() => seenByA.length === 1 && seenByB.length === 1, 'the first SVID for both holders');
    expect(agent.openStreams.FetchX509SVID).toBe(1);
    a.close();
    a.close(); // idempotent: does not release b's share
    await agent.rotate();
    await waitFor(() => seenByB.length === 2, 'the rotation for the holder still open');
    expect(seenByA).toHaveLength(1);
    expect(a.identity()).toBeDefined(); // a closed holder still reads the shared state, as before its close
    expect(agent.openStreams.FetchX509SVID).toBe(1);
    b.close();
    await waitFor(() => agent.openStreams.FetchX509SVID === 0, 'the stream to end with the last holder');
  });

  it('a holder closed before the first SVID arrives never attaches its listeners', async () => {
    const agent = await agentWith();
    const early = workloadCertificateSource({ address: agent.address, backoff: FAST });
    const other = workloadCertificateSource({ address: agent.address, backoff: FAST });
    cleanup.push(() => other.close());
    const seen: unknown[] = [];
    early.addIdentityCertificateListener((pair) => seen.push(pair));
    early.close();
    await other.ready;
    await agent.rotate();
    await waitFor(() => other.identity()?.fingerprint256 === agent.svids[0]!.fingerprint256, 'the rotation');
    expect(seen).toEqual([]);
  });
});

describe('leaseJwtSource', () => {
  it('a failed first connection is not kept: a later lease connects anew', async () => {
    const agent = await agentWith();
    await agent.stop();
    const failed = leaseJwtSource({ address: agent.address, timeoutMs: 300, backoff: FAST });
    expect((await rampartErrorOf(failed.source)).code).toBe('ERR_UNAVAILABLE');
    failed.close();
    await agent.start();
    const lease = leaseJwtSource({ address: agent.address, timeoutMs: 5_000, backoff: FAST });
    cleanup.push(() => lease.close());
    await lease.source;
    expect(lease.bundleFor('test.rampart.dev')?.keys).toHaveLength(1);
  });
});
