import { loadPackageDefinition, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = Client & {
  check(req: { service: string }, options: { deadline: number }, cb: (e: ServiceError | null, r?: { status: string }) => void): void;
};

/** Polls grpc.health.v1 until the server reports SERVING, or fails after `timeoutMs`. */
export async function waitUntilServing(
  address: string,
  timeoutMs: number,
  exited: Promise<unknown>,
  channelCredentials: ChannelCredentials,
): Promise<void> {
  const pkg = loadPackageDefinition(loadSync(protoPath, { keepCase: true, enums: String })) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: ChannelCredentials, o: Record<string, string>) => HealthClient } } };
  };
  const client = new pkg.grpc.health.v1.Health(address, channelCredentials, {
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.default_authority': 'localhost',
  });
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + timeoutMs;
  try {
    while (Date.now() < until) {
      if (gone) throw new Error(`the process exited before ${address} became healthy`);
      const status = await new Promise<string | undefined>((resolve) =>
        client.check({ service: '' }, { deadline: Date.now() + 1_000 }, (error, res) => resolve(error ? undefined : res?.status)),
      );
      if (status === 'SERVING') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${address} did not report SERVING within ${timeoutMs} ms`);
  } finally {
    client.close();
  }
}

/** Polls the issuer's discovery document over HTTPS until it answers 200, or fails after `timeoutMs`. */
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
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the issuer at ${url} did not answer within ${timeoutMs} ms`);
}
