// Response headers and trailers set through the context reach a real grpc-js client over HTTP/2 (the in-process
// invoker simulates the transport; this checks the wire), on success and on a refusal.
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { closeClient, createClient } from '@rampart/client';
import { RampartError, ResponseMetadata, Status, type Interceptor, type ReceivedMetadata } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protoRoot, startEchoApp, type Started } from './fixtures/harness.js';
import { EchoServiceDescriptor } from './generated/index.js';

const stamp: Interceptor = {
  name: 'stamp',
  forMethod: () => ({
    async intercept(request, ctx, next) {
      ctx.responseHeaders.set('x-served-by', 'replica-1');
      ctx.responseTrailers.set('x-cost', '7');
      if ('message' in request && (request.message as { text?: string }).text === 'deny') {
        throw new RampartError('ERR_RESOURCE_EXHAUSTED', 'slow down');
      }
      return next(request);
    },
  }),
};

type Unary = (req: object, md: Metadata, cb: (e: ServiceError | null, r?: unknown) => void) => { on(ev: string, f: (x: never) => void): void };
type Streaming = (req: object, md: Metadata) => NodeJS.EventEmitter;

let s: Started;
let client: Client & { Echo: Unary; Count: Streaming };
beforeAll(async () => {
  s = await startEchoApp({ interceptors: [stamp] });
  const definition = loadSync('rampart/test/v1/echo.proto', { includeDirs: [protoRoot] });
  const pkg = loadPackageDefinition(definition) as unknown as { rampart: { test: { v1: { EchoService: new (a: string, c: unknown) => typeof client } } } };
  client = new pkg.rampart.test.v1.EchoService(s.address, credentials.createInsecure());
});
afterAll(async () => {
  client.close();
  await s.close();
});

function unary(text: string): Promise<{ headers: Metadata; status: StatusObject; error: ServiceError | null }> {
  return new Promise((resolve) => {
    let headers = new Metadata();
    let error: ServiceError | null = null;
    const call = client.Echo({ text }, new Metadata(), (e) => (error = e));
    call.on('metadata', (md: never) => (headers = md));
    call.on('status', (status: never) => setImmediate(() => resolve({ headers, status, error })));
  });
}

describe('response headers and trailers on the wire', () => {
  it('unary: the client gets the headers and the trailers', async () => {
    const { headers, status, error } = await unary('hi');
    expect(error).toBeNull();
    expect(headers.get('x-served-by')).toEqual(['replica-1']);
    expect(status.metadata.get('x-cost')).toEqual(['7']);
  });

  it('a refused call: headers, then its status with the trailers', async () => {
    const { headers, status } = await unary('deny');
    expect(status.code).toBe(8);
    expect(headers.get('x-served-by')).toEqual(['replica-1']);
    expect(status.metadata.get('x-cost')).toEqual(['7']);
  });

  it('server streaming: headers before the first message, trailers with the status', async () => {
    const call = client.Count({ from: 0, to: 2, failAfter: -1 }, new Metadata());
    const events: string[] = [];
    const done = new Promise<StatusObject>((resolve) => call.on('status', resolve));
    call.on('metadata', (md: Metadata) => events.push(`headers:${String(md.get('x-served-by')[0])}`));
    call.on('data', () => events.push('message'));
    const status = await done;
    expect(events).toEqual(['headers:replica-1', 'message', 'message']);
    expect(status.metadata.get('x-cost')).toEqual(['7']);
  });
});

describe("Rampart's client: onHeaders and onTrailers", () => {
  const rampart = () => createClient(EchoServiceDescriptor, { address: s.address, protoRoot, credentials: credentials.createInsecure() });

  it('unary: both arrive before the promise resolves', async () => {
    const echo = rampart();
    const seen: string[] = [];
    const headers: ReceivedMetadata[] = [];
    const trailers: ReceivedMetadata[] = [];
    const response = await echo.echo(
      { text: 'hi' },
      { onHeaders: (h) => void (headers.push(h), seen.push('headers')), onTrailers: (t) => void (trailers.push(t), seen.push('trailers')) },
    );
    seen.push('resolved');
    expect(response.text).toBe('hi');
    expect(seen).toEqual(['headers', 'trailers', 'resolved']);
    expect(headers[0]?.['x-served-by']).toEqual(['replica-1']);
    expect(trailers[0]?.['x-cost']).toEqual(['7']);
    closeClient(echo);
  });

  it('a refused call: headers yes, onTrailers not called (its trailers are on the error)', async () => {
    const echo = rampart();
    const calls: string[] = [];
    const error = await rampartErrorOf(echo.echo({ text: 'deny' }, { onHeaders: () => void calls.push('headers'), onTrailers: () => void calls.push('trailers') }));
    expect(error.status).toBe(Status.RESOURCE_EXHAUSTED);
    expect(error.metadata.get('x-cost')).toEqual(['7']);
    expect(calls).toEqual(['headers']);
    closeClient(echo);
  });

  it('a callback that throws never throws inside grpc-js (the process would stop): onHeaders cancels the call, onTrailers changes nothing', async () => {
    const echo = rampart();
    const cancelled = await rampartErrorOf(echo.echo({ text: 'hi' }, { onHeaders: () => { throw new Error('bad header parser'); } }));
    expect(cancelled.status).toBe(Status.CANCELLED);
    expect((await echo.echo({ text: 'hi' }, { onTrailers: () => { throw new Error('bad trailer parser'); } })).text).toBe('hi');
    closeClient(echo);
  });

  it('server streaming: headers before the first message, trailers before the stream ends', async () => {
    const echo = rampart();
    const seen: string[] = [];
    for await (const _ of echo.count({ from: 0, to: 2, failAfter: -1 }, { onHeaders: () => void seen.push('headers'), onTrailers: (t) => void seen.push(`trailers:${String(t['x-cost'])}`) })) {
      seen.push('message');
    }
    seen.push('ended');
    expect(seen).toEqual(['headers', 'message', 'message', 'trailers:7', 'ended']);
    closeClient(echo);
  });
});

describe('transport headers cannot be set as response metadata', () => {
  it.each(['connection', 'te', 'transfer-encoding', 'content-type', 'host'])('%s is refused where it is set (Node would stop the process sending it)', (key) => {
    expect(() => new ResponseMetadata('response trailer').set(key, 'x')).toThrow(/transport header/);
  });
});
