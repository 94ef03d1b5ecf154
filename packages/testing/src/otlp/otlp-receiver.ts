import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeSpans, type ReceivedSpan } from './decode-spans.js';

/** What the receiver was sent, besides the spans: one entry per export request. */
export interface ReceivedExport {
  readonly transport: 'http' | 'grpc';
  /** The HTTP path (`/v1/traces`, `/v1/metrics`) or the gRPC method path. */
  readonly path: string;
  readonly contentType: string | undefined;
  readonly bytes: number;
}

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/**
 * A real OTLP receiver for tests, on 127.0.0.1: OTLP/HTTP (`POST /v1/traces` with a protobuf body; other signals are
 * accepted and counted) and OTLP/gRPC (`TraceService/Export`), decoding the spans as a collector would. Point an SDK
 * at `httpEndpoint` or `grpcEndpoint` through `OTEL_EXPORTER_OTLP_ENDPOINT`.
 *
 * @example
 * ```ts
 * const receiver = await OtlpReceiver.start();
 * process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.httpEndpoint;
 * // … run calls, close the apps (they flush) …
 * const spans = await receiver.waitFor((all) => all.some((s) => s.kind === 'SERVER'));
 * await receiver.stop();
 * ```
 */
export class OtlpReceiver {
  private constructor(
    /** Every span received, in arrival order. */
    readonly spans: ReceivedSpan[],
    /** Every export request received. */
    readonly exports: ReceivedExport[],
    private readonly http: HttpServer,
    private readonly grpc: Server,
    readonly httpEndpoint: string,
    readonly grpcEndpoint: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const spans: ReceivedSpan[] = [];
    const exports: ReceivedExport[] = [];
    const http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        exports.push({ transport: 'http', path: req.url ?? '', contentType: req.headers['content-type'], bytes: body.length });
        if (req.url === '/v1/traces' && req.headers['content-type'] === 'application/x-protobuf') spans.push(...decodeSpans(body));
        // An empty ExportTraceServiceResponse (and its metrics/logs siblings) is zero bytes.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const grpc = new Server();
    grpc.addService(
      {
        Export: {
          path: TRACE_EXPORT,
          requestStream: false,
          responseStream: false,
          requestDeserialize: (bytes: Buffer) => bytes,
          requestSerialize: (bytes: Buffer) => bytes,
          responseSerialize: () => Buffer.alloc(0),
          responseDeserialize: () => ({}),
        },
      },
      {
        Export: (call: ServerUnaryCall<Buffer, object>, callback: sendUnaryData<object>) => {
          exports.push({ transport: 'grpc', path: TRACE_EXPORT, contentType: 'application/grpc', bytes: call.request.length });
          spans.push(...decodeSpans(call.request));
          callback(null, {});
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) =>
      grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    return new OtlpReceiver(spans, exports, http, grpc, `http://127.0.0.1:${(http.address() as AddressInfo).port}`, `http://127.0.0.1:${port}`);
  }

  /**
   * The spans received so far, once `done(spans)` holds; checks every 20 ms and gives up after `timeoutMs` (default
   * 10 s) with an error listing what did arrive. Exporters batch: a test closes its apps (which flushes them) or waits.
   */
  async waitFor(done: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs = 10_000): Promise<readonly ReceivedSpan[]> {
    const until = Date.now() + timeoutMs;
    while (!done(this.spans)) {
      if (Date.now() > until) {
        const seen = this.spans.map((s) => `${s.service ?? '?'} ${s.kind} ${s.name}`).join('; ');
        throw new Error(`OTLP receiver: the spans expected did not arrive within ${timeoutMs} ms; received: ${seen || 'none'}`);
      }
      await sleep(20);
    }
    return this.spans;
  }

  async stop(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
    await new Promise<void>((resolve) => this.grpc.tryShutdown(() => resolve()));
  }
}
