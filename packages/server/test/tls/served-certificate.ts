import { closeClient, createClient } from '@rampart/client';
import { createHash } from 'node:crypto';
import { protoRoot } from '../fixtures/harness.js';
import { PingServiceDescriptor } from '../generated/index.js';
import { clientCredentials } from './pki-fixture.js';

/** The SHA-256 thumbprint (base64url) of a DER certificate: what `IssuedCertificate.thumbprint` holds. */
export const thumbprintOf = (raw: Buffer): string => createHash('sha256').update(raw).digest('base64url');

/**
 * Makes one Ping call on a new connection (a client of its own, `use_local_subchannel_pool`) trusting `caPem`, and
 * resolves with the thumbprint of the certificate the server presented; rejects when the call fails.
 */
export async function servedCertificate(address: string, caPem: string): Promise<string> {
  let shown: string | undefined;
  const ping = createClient(PingServiceDescriptor, {
    address,
    protoRoot,
    credentials: clientCredentials(caPem, undefined, (cert) => (shown = thumbprintOf(cert.raw))),
    channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
  });
  try {
    await ping.ping({}, { deadline: 3_000 });
  } finally {
    closeClient(ping);
  }
  if (shown === undefined) throw new Error('the server presented no certificate');
  return shown;
}

/** Calls {@link servedCertificate} on a new connection each time for `ms`, recording what each attempt got. */
export async function connectFor(address: string, caPem: string, ms: number): Promise<{ served: string[]; failures: unknown[] }> {
  const served: string[] = [];
  const failures: unknown[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      served.push(await servedCertificate(address, caPem));
    } catch (error) {
      failures.push(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // a sleep on purpose: one sample every 20 ms for `ms`
  }
  return { served, failures };
}
