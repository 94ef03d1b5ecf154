import { connect } from 'node:net';
import type { LinkFaults } from './link-faults.js';

/** Sends link faults to a proxy process's control port; resolves once it has applied them. */
export function setLinkFaults(host: string, port: number, faults: LinkFaults): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let answer = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error(`proxy control ${host}:${port} did not answer`)));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.once('error', reject);
    socket.once('close', () => (answer.startsWith('ok') ? resolve() : reject(new Error(`proxy control ${host}:${port}: ${answer.trim() || 'no answer'}`))));
    socket.write(`${JSON.stringify(faults)}\n`);
  });
}
