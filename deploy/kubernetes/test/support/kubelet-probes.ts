// The three probe kinds the manifests use, run the way the kubelet runs them: `grpc:` is a plaintext
// grpc.health.v1.Health/Check of the whole server (service ""), success only on SERVING; `httpGet` with scheme HTTPS
// neither verifies the server's certificate nor presents one, success on a status from 200 to 399; `tcpSocket`
// succeeds when a connection opens.
import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import { request } from 'node:https';
import { connect } from 'node:net';
import type { Probe } from './local-pod.js';

type HealthClient = Client & {
  check(req: { service: string }, options: { deadline: number }, cb: (e: ServiceError | null, r?: { status: string }) => void): void;
};
type HealthConstructor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient;
let Health: HealthConstructor | undefined;

/** The health status a `grpc:` probe sees (undefined when nothing answered). */
export async function grpcHealth(port: number, timeoutMs = 1_000): Promise<string | undefined> {
  Health ??= (loadPackageDefinition(loadSync(protoPath, { keepCase: true, enums: String })) as unknown as { grpc: { health: { v1: { Health: HealthConstructor } } } }).grpc
    .health.v1.Health;
  const client = new Health(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    return await new Promise((resolve) => client.check({ service: '' }, { deadline: Date.now() + timeoutMs }, (e, r) => resolve(e ? undefined : r?.status)));
  } finally {
    client.close();
  }
}

/** The status and body an HTTPS `httpGet` probe gets, without verifying or presenting a certificate. */
export function httpsGet(port: number, path: string, timeoutMs = 1_000): Promise<{ status?: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve({ body: '' }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function tcpOpen(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(timeoutMs, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
  });
}

/** One run of a probe against a local process; `portOf` maps the probe's container port to the local one. */
export async function probeOnce(probe: Probe, portOf: (port: number | string) => number): Promise<boolean> {
  if (probe.grpc) return (await grpcHealth(portOf(probe.grpc.port))) === 'SERVING';
  if (probe.httpGet) {
    if (probe.httpGet.scheme !== 'HTTPS') throw new Error('only HTTPS httpGet probes are expected here');
    const { status } = await httpsGet(portOf(probe.httpGet.port), probe.httpGet.path);
    return status !== undefined && status >= 200 && status < 400;
  }
  if (probe.tcpSocket) return tcpOpen(portOf(probe.tcpSocket.port));
  throw new Error(`unknown probe kind: ${JSON.stringify(probe)}`);
}

/**
 * Runs a startup probe within the kubelet's budget (periodSeconds x failureThreshold, at most `capMs` here), polled
 * every 200 ms to keep the test short. Resolves with how long it took; rejects when the budget is used up or `gone` resolves first.
 */
export async function untilStarted(
  probe: Probe,
  portOf: (port: number | string) => number,
  gone: Promise<unknown>,
  capMs = 30_000,
): Promise<number> {
  let exited = false;
  void gone.then(() => (exited = true));
  const start = Date.now();
  const budgetMs = (probe.periodSeconds ?? 10) * 1000 * (probe.failureThreshold ?? 3);
  const waitMs = Math.min(budgetMs, capMs);
  while (Date.now() - start < waitMs) {
    if (exited) throw new Error('the process exited before its startup probe succeeded');
    if (await probeOnce(probe, portOf)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the startup probe did not succeed within ${waitMs} ms (the kubelet's budget: ${budgetMs} ms)`);
}
