import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openNetwork } from '../src/network/hosts.js';

const root = process.getuid?.() === 0;
const ours = () => execFileSync('ip', ['netns', 'list']).toString().split('\n').filter((l) => l.startsWith(`rro-${process.pid}-`));

/** Starts a TCP echo-once server on the host's address, port 7000, and waits until it listens. */
async function listen(spawnOn: (c: string, a: string[], e: NodeJS.ProcessEnv) => ChildProcess, address: string): Promise<ChildProcess> {
  const script = `require('net').createServer((s) => s.end('hello from ' + ${JSON.stringify(address)})).listen(7000, ${JSON.stringify(address)}, () => console.log('up'))`;
  const child = spawnOn(process.execPath, ['-e', script], process.env);
  await once(child.stdout!, 'data');
  return child;
}

function read(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: 7000 });
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

// CI runs as root on these machines, so the namespace branch runs there; elsewhere the fallback is what is tested.
describe(root ? 'hosts in network namespaces (root)' : 'hosts on loopback addresses (not root)', () => {
  it('gives each host an address of its own that the others reach, and removes everything it made', async () => {
    const network = await openNetwork();
    const servers: ChildProcess[] = [];
    try {
      expect(network.kind).toBe(root ? 'netns' : 'loopback');
      if (!root) expect(network.fallbackReason).toMatch(/not root/);
      const a = await network.addHost('a');
      const b = await network.addHost('b');
      expect(a.address).not.toBe(b.address);
      servers.push(await listen(a.spawn, a.address));
      // From the harness's namespace (root), over the bridge:
      expect(await read(a.address)).toBe(`hello from ${a.address}`);
      // From host b to host a:
      const fromB = b.spawn(process.execPath, ['-e', `require('net').connect(7000, ${JSON.stringify(a.address)}).on('data', (d) => process.stdout.write(d))`], process.env);
      const [answer] = (await once(fromB.stdout!, 'data')) as [Buffer];
      expect(answer.toString()).toBe(`hello from ${a.address}`);
      if (root) expect(ours()).toHaveLength(2);
      await network.removeHost(a);
      if (root) expect(ours()).toHaveLength(1);
    } finally {
      for (const s of servers) s.kill();
      await network.close();
    }
    if (root) {
      expect(ours()).toEqual([]);
      expect(execFileSync('ip', ['-o', 'link', 'show']).toString()).not.toMatch(new RegExp(`\\brro${process.pid}(br|h\\d+)\\b`));
    }
  });
});
