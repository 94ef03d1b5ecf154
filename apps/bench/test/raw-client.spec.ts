import { readFileSync } from 'node:fs';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type ChannelCredentials,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import type { RampartApp } from '@rampart/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtures } from '../src/fixtures.js';
import type { Fixtures } from '../src/ipc.js';
import { decodeEcho, encodeEcho, encodeStreamRequest, frame } from '../src/load/grpc-frame.js';
import { openTransport } from '../src/load/open.js';
import type { ClientKind, GrpcTransport, RawTarget } from '../src/load/transport.js';
import { ECHO_PATH, STREAM_PATH } from '../src/paths.js';
import { benchServiceDefinition, startBareGrpc } from '../src/servers/bare-grpc.js';
import { startRampart } from '../src/servers/rampart-app.js';

/** What a call ended with, the same way for both clients: status, message (failures only), response payloads. */
interface Outcome {
  readonly status: number;
  readonly message: string;
  readonly payloads: string[];
}

const definition = benchServiceDefinition();
const BenchClient = makeGenericClientConstructor(definition, 'BenchService');
const serializeEcho = definition.Echo!.requestSerialize;
const serializeStream = definition.Stream!.requestSerialize;
const deserialize = definition.Echo!.responseDeserialize as (b: Buffer) => { payload: string };

let fixtures: Fixtures;
let cleanup: () => void;
let bare: { port: number; close(): void };
let rampart: { port: number; app: RampartApp };
const clients: Client[] = [];
const connections: GrpcTransport[] = [];

beforeAll(async () => {
  ({ fixtures, cleanup } = await createFixtures(1));
  [bare, rampart] = await Promise.all([startBareGrpc(fixtures, true), startRampart(fixtures, true, 'silent')]);
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const c of connections) c.destroy();
  bare?.close();
  await rampart?.app.close({ graceMs: 100 });
  cleanup?.();
});

const pem = (file: string): string => readFileSync(file, 'utf8');

function grpcClient(port: number, withCertificate = true): Client {
  const creds: ChannelCredentials = credentials.createSsl(
    Buffer.from(pem(fixtures.caFile)),
    withCertificate ? Buffer.from(pem(fixtures.clientKeyFile)) : null,
    withCertificate ? Buffer.from(pem(fixtures.clientCertFile)) : null,
  );
  const client = new BenchClient(`127.0.0.1:${port}`, creds, {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.ssl_target_name_override': 'localhost',
  });
  clients.push(client);
  return client;
}

async function rawConnection(kind: ClientKind, port: number, withCertificate = true): Promise<GrpcTransport> {
  const tls: RawTarget['tls'] = {
    caPem: pem(fixtures.caFile),
    ...(withCertificate ? { certPem: pem(fixtures.clientCertFile), keyPem: pem(fixtures.clientKeyFile) } : {}),
  };
  const connection = await openTransport(kind, { port, tls });
  connections.push(connection);
  return connection;
}

function metadataOf(token: string | undefined): Metadata {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

const failed = (error: ServiceError): Outcome => ({ status: error.code, message: error.details, payloads: [] });

function grpcUnary(client: Client, path: string, payload: string, token?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, serializeEcho, deserialize, { payload }, metadataOf(token), (error, response) =>
      resolve(error ? failed(error) : { status: 0, message: '', payloads: [response!.payload] }),
    );
  });
}

function grpcStream(client: Client, count: number, token?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const payloads: string[] = [];
    const call = client.makeServerStreamRequest(STREAM_PATH, serializeStream, deserialize, { payload: 's', count }, metadataOf(token));
    call.on('data', (m: { payload: string }) => payloads.push(m.payload));
    call.on('error', (error: ServiceError) => resolve(failed(error)));
    call.on('end', () => resolve({ status: 0, message: '', payloads }));
  });
}

async function rawCall(connection: GrpcTransport, path: string, body: Buffer, token?: string, volatile = false): Promise<Outcome> {
  const request = token === undefined ? { path } : { path, authorization: `Bearer ${token}`, volatile };
  const result = await connection.call(request, frame(body));
  return {
    status: result.status,
    message: result.status === 0 ? '' : result.message,
    payloads: result.messages.map(decodeEcho),
  };
}

describe.each(['lite', 'node-http2'] as const)('the %s HTTP/2 generator agrees with grpc-js against real servers', (kind) => {
  it('bare grpc-js over mTLS: unary, server stream, unknown method', async () => {
    const [client, raw] = [grpcClient(bare.port), await rawConnection(kind, bare.port)];
    const cases: [string, Promise<Outcome>, Promise<Outcome>][] = [
      ['echo', grpcUnary(client, ECHO_PATH, 'hello'), rawCall(raw, ECHO_PATH, encodeEcho('hello'))],
      ['stream', grpcStream(client, 5), rawCall(raw, STREAM_PATH, encodeStreamRequest('s', 5))],
      ['unknown', grpcUnary(client, '/rampart.bench.v1.BenchService/Nope', 'x'), rawCall(raw, '/rampart.bench.v1.BenchService/Nope', encodeEcho('x'))],
    ];
    for (const [label, viaGrpc, viaRaw] of cases) expect(await viaRaw, label).toEqual(await viaGrpc);
    expect((await cases[0]![2]).payloads).toEqual(['hello']);
    expect((await cases[1]![2]).payloads).toEqual(['s', 's', 's', 's', 's']);
    expect((await cases[2]![2]).status).toBe(12);
  });

  it('Rampart full auth: allowed calls and refused calls get the same status and message', async () => {
    const [client, raw] = [grpcClient(rampart.port), await rawConnection(kind, rampart.port)];
    const token = fixtures.warmToken;
    const coldToken = readFileSync(fixtures.coldTokensFile, 'utf8').split('\n')[0]!;
    const cases: [string, Promise<Outcome>, Promise<Outcome>][] = [
      ['allowed', grpcUnary(client, ECHO_PATH, 'hi', token), rawCall(raw, ECHO_PATH, encodeEcho('hi'), token)],
      ['stream', grpcStream(client, 3, token), rawCall(raw, STREAM_PATH, encodeStreamRequest('s', 3), token)],
      ['no token', grpcUnary(client, ECHO_PATH, 'hi'), rawCall(raw, ECHO_PATH, encodeEcho('hi'))],
      ['bad token', grpcUnary(client, ECHO_PATH, 'hi', 'not.a.jwt'), rawCall(raw, ECHO_PATH, encodeEcho('hi'), 'not.a.jwt')],
      ['fresh token', grpcUnary(client, ECHO_PATH, 'hi', coldToken), rawCall(raw, ECHO_PATH, encodeEcho('hi'), coldToken, true)],
      ['again', grpcUnary(client, ECHO_PATH, 'hi', token), rawCall(raw, ECHO_PATH, encodeEcho('hi'), token)],
    ];
    const outcomes = [];
    for (const [label, viaGrpc, viaRaw] of cases) {
      const [g, r] = [await viaGrpc, await viaRaw];
      expect(r, label).toEqual(g);
      outcomes.push(r);
    }
    expect(outcomes.map((o) => [o.status, o.message])).toEqual([
      [0, ''],
      [0, ''],
      [16, 'missing token'],
      [16, 'invalid token'],
      [0, ''],
      [0, ''],
    ]);
    expect(outcomes[1]!.payloads).toEqual(['s', 's', 's']);
  });

  it('Rampart refuses a caller without a client certificate the same way for both clients', async () => {
    const [client, raw] = [grpcClient(rampart.port, false), await rawConnection(kind, rampart.port, false)];
    const viaGrpc = await grpcUnary(client, ECHO_PATH, 'hi', fixtures.warmToken);
    const viaRaw = await rawCall(raw, ECHO_PATH, encodeEcho('hi'), fixtures.warmToken);
    expect(viaRaw).toEqual(viaGrpc);
    expect(viaRaw).toEqual({ status: 16, message: 'client certificate required', payloads: [] });
  });

  it('bare grpc-js requires the certificate at the port: neither client gets through without one', async () => {
    const viaGrpc = await grpcUnary(grpcClient(bare.port, false), ECHO_PATH, 'hi');
    expect(viaGrpc.status).toBe(14);
    // Node's client connects and then sees its stream fail; the lite client fails while opening. Neither gets a status.
    const viaRaw = await rawConnection(kind, bare.port, false)
      .then((c) => rawCall(c, ECHO_PATH, encodeEcho('hi')))
      .catch(() => ({ status: -1 }));
    expect(viaRaw.status).toBe(-1);
  });
});
