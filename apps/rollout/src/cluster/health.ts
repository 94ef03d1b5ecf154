import { loadPackageDefinition, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import { connect } from 'node:net';

type HealthClient = Client & {
  check(req: { service: string }, options: { deadline: number }, cb: (e: ServiceError | null, r?: { status: string }) => void): void;
};
type HealthConstructor = new (address: string, credentials: ChannelCredentials, options: Record<string, number>) => HealthClient;

let constructor: HealthConstructor | undefined;
function healthClient(address: string, credentials: ChannelCredentials): HealthClient {
  constructor ??= (
    loadPackageDefinition(loadSync(protoPath, { keepCase: true, enums: String })) as unknown as {
      grpc: { health: { v1: { Health: HealthConstructor } } };
    }
  ).grpc.health.v1.Health;
  return new constructor(address, credentials, { 'grpc.use_local_subchannel_pool': 1 });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One grpc.health.v1 Check of the whole server: its status, or undefined when it did not answer. */
export async function checkHealth(address: string, credentials: ChannelCredentials, timeoutMs = 1_000): Promise<string | undefined> {
  const client = healthClient(address, credentials);
  try {
    return await new Promise<string | undefined>((resolve) =>
      client.check({ service: '' }, { deadline: Date.now() + timeoutMs }, (error, res) => resolve(error ? undefined : res?.status)),
    );
  } finally {
    client.close();
  }
}

/** Polls grpc.health.v1 until the server reports SERVING; fails after `timeoutMs` or when the process exits. */
export async function waitUntilServing(
  address: string,
  credentials: ChannelCredentials,
  timeoutMs: number,
  exited: Promise<unknown>,
): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const client = healthClient(address, credentials);
  const until = Date.now() + timeoutMs;
  try {
    while (Date.now() < until) {
      if (gone) throw new Error(`the process exited before ${address} reported SERVING`);
      const status = await new Promise<string | undefined>((resolve) =>
        client.check({ service: '' }, { deadline: Date.now() + 1_000 }, (error, res) => resolve(error ? undefined : res?.status)),
      );
      if (status === 'SERVING') return;
      await pause(100);
    }
    throw new Error(`${address} did not report SERVING within ${timeoutMs} ms`);
  } finally {
    client.close();
  }
}

/** Waits until something accepts TCP connections at host:port (Redis, before it is used). */
export async function waitForPort(host: string, port: number, timeoutMs: number, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (gone) throw new Error(`the process exited before ${host}:${port} accepted connections`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(false));
      socket.once('connect', () => (socket.destroy(), resolve(true)));
    });
    if (open) return;
    await pause(100);
  }
  throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
}

/** Polls the issuer's discovery document over HTTPS until it answers 200. */
export async function waitForIssuer(url: string, caPem: Buffer, timeoutMs: number, exited: Promise<unknown>): Promise<void> {
  const { get } = await import('node:https');
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (gone) throw new Error('the issuer exited before it answered');
    const status = await new Promise<number | undefined>((resolve) => {
      const req = get(`${url}/.well-known/openid-configuration`, { ca: caPem, timeout: 1_000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      req.on('timeout', () => req.destroy());
    });
    if (status === 200) return;
    await pause(100);
  }
  throw new Error(`the issuer at ${url} did not answer within ${timeoutMs} ms`);
}
