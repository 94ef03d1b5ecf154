import { describe, expect, it } from 'vitest';
import { bridgeDown, bridgeUp, hostDown, hostPlan, hostUp, networkPlan, pickSubnet, staleCleanup } from '../src/network/plan.js';

describe('the network plan', () => {
  const plan = networkPlan(4242, '10.77.62');

  it('names links within 15 characters even for a 7-digit run id and host 254', () => {
    const big = networkPlan(4_194_304, '10.77.20');
    const host = hostPlan(big, 254, 'inventory-12');
    for (const name of [big.bridge, host.hostLink, host.namespaceLink]) expect(name.length).toBeLessThanOrEqual(15);
    expect(host.namespace).toBe('rro-4194304-inventory-12');
  });

  it('puts the bridge on .1 and each host on its own address in the /24', () => {
    expect(plan.gateway).toBe('10.77.62.1');
    expect(hostPlan(plan, 7, 'orders-1').address).toBe('10.77.62.7');
    expect(() => hostPlan(plan, 1, 'x')).toThrow(/out of 2..254/);
    expect(() => hostPlan(plan, 255, 'x')).toThrow(/out of 2..254/);
    expect(() => hostPlan(plan, 9, 'bad name')).toThrow(/letters, digits and dashes/);
  });

  it('creates a bridge, then per host a namespace and a veth pair plugged into it, and removes them', () => {
    const host = hostPlan(plan, 5, 'inventory-2');
    expect(bridgeUp(plan).map((c) => c.join(' '))).toEqual([
      'link add rro4242br type bridge',
      'addr add 10.77.62.1/24 dev rro4242br',
      'link set rro4242br up',
    ]);
    expect(hostUp(plan, host).map((c) => c.join(' '))).toEqual([
      'netns add rro-4242-inventory-2',
      'link add rro4242h5 type veth peer name rro4242n5 netns rro-4242-inventory-2',
      'link set rro4242h5 master rro4242br',
      'link set rro4242h5 up',
      '-n rro-4242-inventory-2 link set lo up',
      '-n rro-4242-inventory-2 addr add 10.77.62.5/24 dev rro4242n5',
      '-n rro-4242-inventory-2 link set rro4242n5 up',
    ]);
    expect(hostDown(host).map((c) => c.join(' '))).toEqual([`link del ${host.hostLink}`, 'netns del rro-4242-inventory-2']);
    expect(bridgeDown(plan).map((c) => c.join(' '))).toEqual(['link del rro4242br']);
  });

  it('picks a 10.77.x subnet no route uses', () => {
    expect(pickSubnet(0, '')).toBe('10.77.20');
    const routes = '10.77.20.0/24 dev rro1br proto kernel scope link src 10.77.20.1\n10.77.21.0/24 dev other scope link\n';
    expect(pickSubnet(0, routes)).toBe('10.77.22');
    expect(pickSubnet(199, '')).toBe('10.77.219');
  });

  it('finds what dead runs left, and leaves live runs and other names alone', () => {
    const alive = (pid: number) => pid === 100;
    const netns = 'rro-99-inventory-1 (id: 3)\nrro-100-orders-1 (id: 4)\nsomeone-else\nrro-99-redis\n';
    const links = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536',
      '7: rro99br: <BROADCAST,MULTICAST,UP> mtu 1500',
      '8: rro99h4@if2: <BROADCAST,MULTICAST,UP> mtu 1500',
      '9: rro100h4@if2: <BROADCAST,MULTICAST,UP> mtu 1500',
      '10: rrother: <BROADCAST> mtu 1500',
    ].join('\n');
    expect(staleCleanup(netns, links, alive).map((c) => c.join(' '))).toEqual([
      'netns del rro-99-inventory-1',
      'netns del rro-99-redis',
      'link del rro99br',
      'link del rro99h4',
    ]);
  });
});
