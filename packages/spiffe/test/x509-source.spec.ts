import { createSecureContext } from 'node:tls';
import { combineCertificateSources } from '@rampart/pki/internal';
import { rampartErrorOf, waitFor } from '@rampart/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { X509Source, type WatchProblem, type X509SourceUpdate } from '../src/index.js';
import { TestWorkloadApi } from '../src/testing.js';

const ORDERS = 'spiffe://test.rampart.dev/orders';
const FAST = { initialMs: 20, maxMs: 200, jitter: 0 };
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function agentAndSource(agentOptions: Parameters<typeof TestWorkloadApi.start>[0] = {}, sourceOptions: Parameters<typeof X509Source.create>[0] = {}) {
  const agent = await TestWorkloadApi.start({ identities: [{ spiffeId: ORDERS }], ...agentOptions });
  cleanup.push(() => agent.close());
  const source = await X509Source.create({ address: agent.address, backoff: FAST, ...sourceOptions });
  cleanup.push(() => source.close());
  return { agent, source };
}

describe('X509Source', () => {
  it('resolves with the default SVID and the bundles, as a pki TrustDomainBundles', async () => {
    const { agent, source } = await agentAndSource({ federatedTrustDomains: ['partner.example'] });
    expect(source.svid().spiffeId).toBe(ORDERS);
    expect(source.svid().certificates[0]!.raw.equals(agent.svids[0]!.certificateDer)).toBe(true);
    expect(source.svid().notAfter.getTime()).toBe(agent.svids[0]!.notAfter.getTime());
    expect(source.healthy).toBe(true);
    const bundles = source.bundles();
    expect(bundles.trustDomains).toEqual(['test.rampart.dev', 'partner.example']);
    // pki's per-trust-domain rule: the own SVID chains to its own bundle, not to the partner's.
    const leaf = source.svid().certificates[0]!;
    expect(bundles.anchorProblem(leaf, 'test.rampart.dev', () => [])).toBeUndefined();
    expect(bundles.anchorProblem(leaf, 'partner.example', () => [])).toMatch(/does not lead to a CA in the trust bundle of partner.example/);
    expect(source.bundleFor('partner.example')![0]!.fingerprint256).toBe(agent.domain('partner.example').caCertificates[0]!.fingerprint256);
    expect(source.bundleFor('elsewhere.example')).toBeUndefined();
  });

  it('picks the SVID by hint or by pick; waits (and times out naming why) when none fits', async () => {
    const identities = [{ spiffeId: ORDERS }, { spiffeId: 'spiffe://test.rampart.dev/orders-external', hint: 'external' }];
    const { agent } = await agentAndSource({ identities });
    const byHint = await X509Source.create({ address: agent.address, hint: 'external' });
    cleanup.push(() => byHint.close());
    expect(byHint.svid().spiffeId).toBe('spiffe://test.rampart.dev/orders-external');
    const byPick = await X509Source.create({ address: agent.address, pick: (svids) => svids.find((s) => s.spiffeId.endsWith('/orders')) });
    cleanup.push(() => byPick.close());
    expect(byPick.svid().spiffeId).toBe(ORDERS);
    const error = await rampartErrorOf(X509Source.create({ address: agent.address, hint: 'missing', timeoutMs: 300 }));
    expect(error.code).toBe('ERR_UNAVAILABLE');
    expect(error.message).toMatch(/within 300 ms \(last problem: .*no X.509-SVID with hint "missing"/);
    expect((await rampartErrorOf(X509Source.create({ address: agent.address, hint: 'a', pick: () => undefined }))).code).toBe('ERR_CONFIG_INVALID');
  });

  it('a pick that throws refuses the response as a missing SVID does: create names it, a running source reports it', async () => {
    const { agent } = await agentAndSource();
    const thrown = new Error('pick is broken');
    const error = await rampartErrorOf(X509Source.create({ address: agent.address, timeoutMs: 300, pick: () => { throw thrown; } }));
    expect(error.code).toBe('ERR_UNAVAILABLE');
    expect(error.message).toMatch(/within 300 ms \(last problem: the X509Source's pick threw \(pick is broken\)/);
    expect((error.cause as Error).cause).toBe(thrown);
    // A thrown value that cannot even be printed (a null-prototype object) is reported the same way.
    const unprintable = Object.create(null) as object;
    const throwUnprintable = (): never => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a non-Error thrown on purpose
      throw unprintable;
    };
    const quiet = await rampartErrorOf(X509Source.create({ address: agent.address, timeoutMs: 300, pick: throwUnprintable }));
    expect(quiet.message).toMatch(/pick threw \(a value that cannot be printed\)/);
    expect((quiet.cause as Error).cause).toBe(unprintable);

    let failing = false;
    const logged: [object, string | undefined][] = [];
    const logger = { error: (obj: object, msg?: string) => logged.push([obj, msg]), warn: () => undefined, info: () => undefined };
    const { agent: rotating, source } = await agentAndSource({}, { pick: (svids) => { if (failing) throw thrown; return svids[0]; }, logger: logger as never });
    const good = source.svid();
    const errors: [unknown, WatchProblem][] = [];
    source.on('error', (e, problem) => errors.push([e, problem]));
    failing = true;
    await rotating.rotate();
    await waitFor(() => errors.length > 0, 'the refusal of the rotation');
    expect(errors[0]![1]).toEqual({ kind: 'bad-response' });
    expect(errors[0]![0]).toMatchObject({ code: 'ERR_INTERNAL', cause: thrown });
    expect(logged).toEqual([[{ err: errors[0]![0] }, 'a Workload API response was refused; the last good SVID stays']]);
    expect(source.svid()).toBe(good); // the process goes on with the last good SVID
    failing = false;
    await rotating.rotate();
    await waitFor(() => source.svid() !== good, 'the next rotation, taken');
  });

  it('create rejects after its timeout when no agent listens, naming the address', async () => {
    const error = await rampartErrorOf(X509Source.create({ address: 'unix:///nonexistent/rampart-agent.sock', timeoutMs: 300, backoff: FAST }));
    expect(error.code).toBe('ERR_UNAVAILABLE');
    expect(error.message).toContain('unix:///nonexistent/rampart-agent.sock');
    expect(error.message).toContain('last problem');
  });

  it('takes a rotation in memory: update event, identity listeners get the new PEM pair, old SVID replaced', async () => {
    const { agent, source } = await agentAndSource();
    const updates: X509SourceUpdate[] = [];
    source.on('update', (u) => updates.push(u));
    const pairs: { certificate: Buffer; privateKey: Buffer }[] = [];
    const provider = combineCertificateSources(source, source);
    const cas: Buffer[] = [];
    provider.addIdentityCertificateListener((pair) => pair && pairs.push(pair));
    provider.addCaCertificateListener((update) => update && cas.push(update.caCertificate));
    await waitFor(() => pairs.length === 1 && cas.length === 1, 'the current pair and bundle, as the file watchers give them');
    const first = source.svid();
    await agent.rotate();
    await waitFor(() => updates.length === 1 && pairs.length === 2, 'the rotation');
    expect(updates[0]).toMatchObject({ svidChanged: true, bundlesChanged: false });
    expect(source.svid().certificates[0]!.serialNumber).not.toBe(first.certificates[0]!.serialNumber);
    expect(pairs[1]!.certificate.equals(source.svid().certificateChainPem)).toBe(true);
    // What grpc-js does with the pair: a TLS context; it would throw for a key that does not match.
    expect(() => createSecureContext({ cert: pairs[1]!.certificate, key: pairs[1]!.privateKey, ca: cas[0]! })).not.toThrow();
    expect(cas).toHaveLength(1);
  });

  it('a listener that throws is logged and stops nothing: the other listeners still get the new SVID and CA bundle', async () => {
    const logged: [object, string | undefined][] = [];
    const logger = { error: (obj: object, msg?: string) => logged.push([obj, msg]), warn: () => undefined, info: () => undefined };
    const { agent, source } = await agentAndSource({}, { logger: logger as never });
    const broken = new Error('listener is broken');
    const cas: string[] = [];
    const pairs: Buffer[] = [];
    // Each broken listener goes first, so an unguarded throw would skip the listeners after it.
    source.addIdentityCertificateListener(() => {
      throw broken;
    });
    source.addIdentityCertificateListener((pair) => pair && pairs.push(pair.certificate));
    source.addCaCertificateListener(() => {
      throw broken;
    });
    source.addCaCertificateListener((update) => update && cas.push(update.caCertificate.toString()));
    await waitFor(() => pairs.length === 1 && cas.length === 1, 'the current pair and bundle (the first call, on the next tick)');
    const updates: X509SourceUpdate[] = [];
    source.on('update', (u) => updates.push(u));
    await agent.own.rotateCa();
    await agent.rotate(); // a new SVID and a new CA in one response
    await waitFor(() => updates.length === 1, 'the update event');
    expect(updates[0]).toMatchObject({ svidChanged: true, bundlesChanged: true });
    expect(pairs).toHaveLength(2);
    expect(pairs[1]!.equals(source.svid().certificateChainPem)).toBe(true);
    expect(cas).toHaveLength(2);
    expect(cas[1]).toContain(agent.own.ca.certPem.trim());
    expect(cas[0]).not.toContain(agent.own.ca.certPem.trim());
    // A listener removed before its first call (on the next tick) is not called.
    const removed = (): void => {
      throw broken;
    };
    source.addIdentityCertificateListener(removed);
    source.removeIdentityCertificateListener(removed);
    source.addCaCertificateListener(removed);
    source.removeCaCertificateListener(removed);
    await new Promise((done) => setImmediate(done));
    expect(logged.filter(([, msg]) => msg === 'an X509Source event listener threw')).toHaveLength(4);
    expect(logged.every(([obj]) => (obj as { err: unknown }).err === broken)).toBe(true);
    expect(source.healthy).toBe(true);
  });

  it('takes a federated bundle update: update event with bundlesChanged, CA listeners get every CA', async () => {
    const { agent, source } = await agentAndSource();
    const cas: string[] = [];
    source.addCaCertificateListener((update) => update && cas.push(update.caCertificate.toString()));
    await waitFor(() => cas.length === 1, 'the first bundle');
    expect(source.bundles().trustDomains).toEqual(['test.rampart.dev']);
    const updates: X509SourceUpdate[] = [];
    source.on('update', (u) => updates.push(u));
    const partner = await agent.federate('partner.example');
    await waitFor(() => updates.length === 1, 'the federated bundle');
    expect(updates[0]).toMatchObject({ svidChanged: false, bundlesChanged: true });
    expect(source.bundles().trustDomains).toEqual(['test.rampart.dev', 'partner.example']);
    await waitFor(() => cas.length === 2, 'the CA listener');
    expect(cas[1]).toContain(partner.ca.certPem.trim());
    expect(cas[1]).toContain(agent.own.ca.certPem.trim());
    await agent.federate('partner.example'); // the partner's CA rotates: both stay in its bundle
    await waitFor(() => source.bundleFor('partner.example')?.length === 2, 'the partner bundle with both CAs');
  });

  it('keeps the last good state when a response is refused, and reports why', async () => {
    const { agent, source } = await agentAndSource();
    const good = source.svid();
    const errors: [string, WatchProblem][] = [];
    source.on('error', (error, problem) => errors.push([error.message, problem]));
    const other = await agent.own.mintX509Svid('spiffe://test.rampart.dev/other', 60_000);
    const base = { spiffeId: ORDERS, x509Svid: agent.svids[0]!.certificateDer, x509SvidKey: agent.svids[0]!.privateKeyDer, bundle: agent.own.bundleDer(), hint: '' };
    const bad = [
      [{ ...base, x509Svid: agent.svids[0]!.certificateDer.subarray(0, 100) }, /x509_svid is not concatenated DER/],
      [{ ...base, x509SvidKey: other.privateKeyDer }, /x509_svid_key is not the key of its leaf certificate/],
      [{ ...base, x509SvidKey: Buffer.from('not a key') }, /x509_svid_key is not an unencrypted PKCS#8 DER key/],
      [{ ...base, spiffeId: 'spiffe://test.rampart.dev/other' }, /URI SAN "spiffe:\/\/test.rampart.dev\/orders" is not spiffe_id/],
      [{ ...base, bundle: Buffer.alloc(0) }, /is empty/],
      [{ ...base, x509Svid: Buffer.concat([base.x509Svid, other.certificateDer]) }, /certificate 2 of the chain is not a CA certificate/],
    ] as const;
    for (const [svid, message] of bad) {
      agent.pushX509Response({ svids: [svid], federatedBundles: {} });
      await waitFor(() => errors.length > 0, `the refusal of ${String(message)}`);
      const [text, problem] = errors.shift()!;
      expect(text).toMatch(message);
      expect(problem).toEqual({ kind: 'bad-response' });
      expect(source.svid()).toBe(good);
      expect(source.healthy).toBe(true);
    }
    agent.pushX509Response({ svids: [base], federatedBundles: { 'spiffe://Bad.Domain': agent.own.bundleDer() } });
    await waitFor(() => errors.length > 0, 'the refusal of a bad trust domain key');
    expect(errors.shift()![0]).toMatch(/is not a trust domain/);
    agent.pushX509Response({ svids: [base], federatedBundles: { 'partner.example': agent.own.bundleDer() } });
    await waitFor(() => source.bundles().trustDomains.includes('partner.example'), 'a bare trust domain key, accepted');
  });

  it('reconnects after an agent restart with growing backoff, reported by error events, and takes the new SVID', async () => {
    const { agent, source } = await agentAndSource({}, { backoff: { initialMs: 40, maxMs: 400, multiplier: 2, jitter: 0 } });
    const problems: WatchProblem[] = [];
    source.on('error', (_e, problem) => problems.push(problem));
    const before = source.svid();
    await agent.stop();
    await waitFor(() => problems.length >= 4, 'four failed reconnects');
    expect(source.connected).toBe(false);
    expect(source.svid()).toBe(before);
    expect(source.healthy).toBe(true); // an hour left: far from the margin
    const delays = problems.slice(0, 4).map((p) => (p.kind === 'stream-down' ? p.retryInMs : -1));
    expect(delays).toEqual([40, 80, 160, 320]);
    await agent.start();
    await waitFor(() => source.connected, 'the reconnect');
    expect(agent.calls.FetchX509SVID).toBeGreaterThanOrEqual(2);
    await agent.rotate();
    await waitFor(() => source.svid().certificates[0]!.serialNumber !== before.certificates[0]!.serialNumber, 'the rotation after the restart');
    // a good response reset the backoff: the next break starts again at 40 ms
    problems.length = 0;
    await agent.stop();
    await waitFor(() => problems.length >= 1, 'the next break');
    expect(problems[0]).toEqual({ kind: 'stream-down', retryInMs: 40, attempt: 1 });
  });

  it('an SVID that expires while the agent is away: unhealthy before expiry, still served until then, refused after; healthy again on recovery', async () => {
    const { agent, source } = await agentAndSource({ svidLifetimeMs: 3000 });
    const health: [boolean, number][] = [];
    source.on('health', (healthy) => health.push([healthy, Date.now()]));
    const svid = source.svid();
    const notAfter = svid.notAfter.getTime();
    await agent.stop();
    await waitFor(() => health.length === 1, 'the health to turn false', { timeoutMs: 6000 });
    expect(health[0]![0]).toBe(false);
    expect(health[0]![1]).toBeLessThan(notAfter);
    expect(Date.now()).toBeLessThan(notAfter);
    expect(source.svid()).toBe(svid); // still good: served until it expires
    await waitFor(() => Date.now() > notAfter + 10, 'the SVID to expire', { timeoutMs: 6000 });
    const error = await rampartErrorOf(Promise.resolve().then(() => source.svid()));
    expect(error.code).toBe('ERR_UNAVAILABLE');
    expect(error.message).toMatch(/expired at .* has not sent a new one/);
    const pairs: unknown[] = [];
    source.addIdentityCertificateListener((pair) => pairs.push(pair));
    await agent.start();
    await agent.rotate({ lifetimeMs: 60_000 });
    await waitFor(() => health.length === 2, 'the health to turn true');
    expect(health[1]![0]).toBe(true);
    expect(source.svid().notAfter.getTime()).toBeGreaterThan(notAfter);
    expect(pairs).toHaveLength(1); // the expired pair was never handed to the new listener, the new one was
  });

  it('an expired SVID from the agent is refused, never handed out as new', async () => {
    const { agent, source } = await agentAndSource();
    const errors: string[] = [];
    source.on('error', (e) => errors.push(e.message));
    const short = await agent.own.mintX509Svid(ORDERS, 1100);
    await waitFor(() => Date.now() > short.notAfter.getTime() + 10, 'the short SVID to expire');
    agent.pushX509Response({ svids: [{ spiffeId: ORDERS, x509Svid: short.certificateDer, x509SvidKey: short.privateKeyDer, bundle: agent.own.bundleDer(), hint: '' }] });
    await waitFor(() => errors.length === 1, 'the refusal');
    expect(errors[0]).toMatch(/its leaf expired at/);
    expect(source.svid().certificates[0]!.raw.equals(agent.svids[0]!.certificateDer)).toBe(true);
  });
});
