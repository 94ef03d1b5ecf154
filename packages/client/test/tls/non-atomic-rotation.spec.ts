import type { Logger } from '@rampart/core';
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMtlsChannelCredentials, type MtlsChannel } from '../../src/index.js';
import { startEchoServer, whoAmI, writeEchoProto, type EchoServer } from './support/echo-server.js';
import { BILLING, createCa, INVENTORY, issueCertificate, ORDERS, tempDir, writeClientFiles, type TempDir } from './support/pki-dir.js';
import type { CertificateAuthority } from '@rampart/pki';

const REFRESH_MS = 100;

/** A logger that keeps the [fields, message] of each error line. */
function errorRecorder(): { logger: Logger; errors: [Record<string, unknown>, string][] } {
  const errors: [Record<string, unknown>, string][] = [];
  const noop = (): void => undefined;
  const logger = {
    trace: noop,
    debug: noop,
    info: noop,
    warn: noop,
    error: (fields: Record<string, unknown>, message?: string) => void errors.push([fields, message ?? '']),
    fatal: noop,
    child: () => logger,
    isLevelEnabled: () => false,
  } as unknown as Logger;
  return { logger, errors };
}

/** Calls WhoAmI on a new connection each time for `ms`: the IDs the server saw, and the failures. */
async function connectFor(call: () => Promise<string>, ms: number): Promise<{ seen: string[]; failures: unknown[] }> {
  const seen: string[] = [];
  const failures: unknown[] = [];
  for (const until = Date.now() + ms; Date.now() < until; ) {
    await call().then(
      (id) => seen.push(id),
      (error: unknown) => failures.push(error),
    );
    await new Promise((resolve) => setTimeout(resolve, 20)); // a sleep on purpose: one sample every 20 ms for `ms`
  }
  return { seen, failures };
}

// The client side of what spiffe-helper does: the workload's certificate written in place, a pause, then its key.
// grpc-js's FileWatcherCertificateProvider handed the new certificate with the old key to TLS at the first refresh in
// the pause, and every new connection failed until the key was written and read.
describe('a client whose certificate and key are rewritten in place, one after the other', () => {
  let tmp: TempDir;
  let protoRoot: string;
  let ca: CertificateAuthority;
  let server: EchoServer;
  let channels: MtlsChannel[] = [];

  beforeAll(async () => {
    tmp = await tempDir();
    protoRoot = await writeEchoProto(tmp);
    ca = await createCa({ commonName: 'non-atomic client CA', validityDays: 1 });
    server = await startEchoServer(protoRoot, await issueCertificate(ca, { spiffeId: INVENTORY, usage: 'server' }), ca);
  });
  afterEach(() => {
    channels.forEach((channel) => channel.close());
    channels = [];
  });
  afterAll(async () => {
    await server?.stop();
    await tmp?.remove();
  });

  it('keeps presenting the last good pair until the key is written, then the new one', async () => {
    const files = await writeClientFiles(tmp, 'in-place', ca, { spiffeId: ORDERS });
    const { logger, errors } = errorRecorder();
    const channel = createMtlsChannelCredentials({ ...files, expectedServerId: INVENTORY, refreshIntervalMs: REFRESH_MS, logger });
    channels.push(channel);
    await channel.ready;
    const call = (): Promise<string> => whoAmI(`127.0.0.1:${server.port}`, protoRoot, channel.credentials);
    expect(await call()).toBe(ORDERS);

    const rotated = await issueCertificate(ca, { spiffeId: BILLING, usage: 'client' });
    await writeFile(files.certFile, rotated.certPem); // in place; the key still the old one
    const pause = await connectFor(call, REFRESH_MS * 10);
    expect(pause.failures).toEqual([]);
    expect(pause.seen.length).toBeGreaterThan(3);
    expect(new Set(pause.seen)).toEqual(new Set([ORDERS]));
    // Ten refreshes of the same mismatch: said once. A read that caught the certificate file empty or half written
    // (writeFile truncates, then writes; more likely on a loaded machine) is another problem, said once too.
    const identityMessage = 'client certificate or key not usable; the previous ones stay in use until fixed';
    const problems = errors.filter(([, message]) => message === identityMessage).map(([fields]) => String(fields['problem']));
    expect(problems.filter((p) => /the private key does not match the certificate$/.test(p))).toHaveLength(1);
    expect(problems.at(-1)).toMatch(/the private key does not match the certificate$/);
    expect(new Set(problems).size).toBe(problems.length);
    // The trust bundle watcher reads the certificate file too (for the trust domain of its SPIFFE ID): a read of it
    // half written is refused there as well, the bundles in use kept, and each problem said once.
    const others = errors.filter(([, message]) => message !== identityMessage);
    for (const [fields, message] of others) {
      expect(message).toBe('client trust bundles could not be reloaded; the previous ones stay in use until fixed');
      expect(String(fields['problem'])).toMatch(/certFile \S+in-place\.pem carries no SPIFFE ID/);
    }
    expect(new Set(others.map(([fields]) => String(fields['problem']))).size).toBe(others.length);

    await writeFile(files.keyFile, rotated.keyPem);
    await vi.waitFor(async () => expect(await call()).toBe(BILLING), { timeout: 5_000, interval: 50 });
  });

  it('keeps presenting the last good pair while the new key is half written', async () => {
    const files = await writeClientFiles(tmp, 'partial', ca, { spiffeId: ORDERS });
    const channel = createMtlsChannelCredentials({ ...files, expectedServerId: INVENTORY, refreshIntervalMs: REFRESH_MS });
    channels.push(channel);
    await channel.ready;
    const call = (): Promise<string> => whoAmI(`127.0.0.1:${server.port}`, protoRoot, channel.credentials);

    const rotated = await issueCertificate(ca, { spiffeId: BILLING, usage: 'client' });
    await writeFile(files.certFile, rotated.certPem);
    await writeFile(files.keyFile, rotated.keyPem.slice(0, 80)); // cut short
    const partial = await connectFor(call, REFRESH_MS * 6);
    expect(partial.failures).toEqual([]);
    expect(new Set(partial.seen)).toEqual(new Set([ORDERS]));

    await writeFile(files.keyFile, rotated.keyPem);
    await vi.waitFor(async () => expect(await call()).toBe(BILLING), { timeout: 5_000, interval: 50 });
  });
});
