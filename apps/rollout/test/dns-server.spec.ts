import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsServer } from '../src/dns/dns-server.js';

describe('DnsServer answers real queries over UDP', () => {
  let dns: DnsServer;
  let resolver: Resolver;

  beforeAll(async () => {
    dns = await DnsServer.start('127.0.0.1', { ttlSeconds: 2 });
    resolver = new Resolver({ timeout: 1_000, tries: 1 });
    resolver.setServers([dns.address]);
  });
  afterAll(() => dns.close());

  it('lists every address of a name, with the TTL', async () => {
    dns.set('inventory.rollout.test', ['10.77.0.10', '10.77.0.11']);
    const answers = await resolver.resolve4('inventory.rollout.test', { ttl: true });
    expect(answers.map((a) => a.address).sort()).toEqual(['10.77.0.10', '10.77.0.11']);
    expect(answers.every((a) => a.ttl === 2)).toBe(true);
  });

  it('answers the next query with the records as they are now: a new replica in, the old one out', async () => {
    dns.set('orders.rollout.test', ['10.77.0.20', '10.77.0.21']);
    dns.add('orders.rollout.test', '10.77.0.22');
    dns.remove('orders.rollout.test', '10.77.0.20');
    expect((await resolver.resolve4('orders.rollout.test')).sort()).toEqual(['10.77.0.21', '10.77.0.22']);
    dns.remove('orders.rollout.test', '10.77.0.21');
    expect(await resolver.resolve4('ORDERS.rollout.test.')).toEqual(['10.77.0.22']);
  });

  it('says NXDOMAIN for a name it does not hold, and no data for other types of one it holds', async () => {
    await expect(resolver.resolve4('nobody.rollout.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    dns.set('inventory.rollout.test', ['10.77.0.10']);
    await expect(resolver.resolve6('inventory.rollout.test')).rejects.toMatchObject({ code: 'ENODATA' });
    // grpc-js asks for TXT service config records next to A records: no data, not an error that stops resolution.
    await expect(resolver.resolveTxt('inventory.rollout.test')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('ignores what is not a DNS query and counts what it answered', async () => {
    const before = dns.queries;
    expect(dns.answer(Buffer.from('not dns'))).toBeUndefined();
    await resolver.resolve4('inventory.rollout.test');
    expect(dns.queries).toBe(before + 1);
  });
});
