import { createServer } from 'node:net';
import { parseLinkFaults } from './link-faults.js';
import { TcpProxy } from './tcp-proxy.js';

// A proxy process in front of one server, on that server's host (as a sidecar would be):
//   CHAOS_PROXY_LISTEN=<host:port> CHAOS_PROXY_TARGET=<host:port> CHAOS_PROXY_CONTROL_PORT=<port> node proxy-main.js
// The control port (on the listen host) takes one JSON object of link faults per connection and answers "ok".
const { CHAOS_PROXY_LISTEN: listenArg, CHAOS_PROXY_TARGET: targetArg, CHAOS_PROXY_CONTROL_PORT: controlArg } = process.env;
const hostPort = (arg: string | undefined): { host: string; port: number } => {
  const at = arg?.lastIndexOf(':') ?? -1;
  if (arg === undefined || at < 1) throw new Error(`expected host:port, got ${String(arg)}`);
  return { host: arg.slice(0, at), port: Number(arg.slice(at + 1)) };
};
const listen = hostPort(listenArg);
const proxy = new TcpProxy(listen, hostPort(targetArg));
await proxy.start();
const control = createServer((socket) => {
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (!text.includes('\n')) return;
    try {
      proxy.set(parseLinkFaults(JSON.parse(text)));
      socket.end('ok\n');
    } catch (error) {
      socket.end(`error ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
  socket.on('error', () => undefined);
});
control.listen(Number(controlArg), listen.host, () => process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: 'proxy ready' })}\n`));
const stop = (): void => {
  control.close();
  void proxy.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
