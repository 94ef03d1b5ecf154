import 'reflect-metadata';
import { Authenticated, rampartAuth, RequireMtls } from '@rampart/auth';
import { GrpcService, type CallContext, type RampartPlugin } from '@rampart/core';
import { createApp, type RampartApp } from '@rampart/server';
import {
  BenchServiceDescriptor,
  type EchoRequest__Output,
  type EchoResponse,
  type StreamRequest__Output,
} from '../generated/index.js';
import type { Fixtures } from '../ipc.js';
import { BENCH_PROTO_ROOT } from '../paths.js';
import { BENCH_SCOPE } from '../constants.js';
import { served } from './served.js';

function echo(req: EchoRequest__Output): Promise<EchoResponse> {
  served.units += 1;
  return Promise.resolve({ payload: req.payload });
}

// Every message is at hand, so the handler is a synchronous generator, as the bare grpc-js handler is a plain
// loop: the adapter writes what it yields and suspends it only when the transport pushes back.
function* stream(req: StreamRequest__Output, signal: AbortSignal): Iterable<EchoResponse> {
  const message = { payload: req.payload };
  for (let i = 0; i < req.count && !signal.aborted; i++) {
    served.units += 1;
    yield message;
  }
}

// The same as an async generator, the general form (a handler that awaits between messages): a promise and a few
// microtasks per message, which the `stream-rampart-auth-async` scenario shows.
// eslint-disable-next-line @typescript-eslint/require-await
async function* streamAsync(req: StreamRequest__Output, signal: AbortSignal): AsyncIterable<EchoResponse> {
  const message = { payload: req.payload };
  for (let i = 0; i < req.count && !signal.aborted; i++) {
    served.units += 1;
    yield message;
  }
}

/** The bench's handlers, shared by the three services below, which differ only in what protects them. */
class BenchHandlers {
  echo(req: EchoRequest__Output): Promise<EchoResponse> {
    return echo(req);
  }

  stream(req: StreamRequest__Output, ctx: CallContext): Iterable<EchoResponse> | AsyncIterable<EchoResponse> {
    return stream(req, ctx.signal);
  }
}

/** Rampart with `@RequireMtls()` only: any workload certificate from the trust bundle, no token. */
@GrpcService(BenchServiceDescriptor)
@RequireMtls()
export class MtlsOnlyBench extends BenchHandlers {}

/** Rampart's default path: mTLS, a certificate-bound JWT from the trusted issuer, and the bench scope. */
@GrpcService(BenchServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: [BENCH_SCOPE], boundToCertificate: true })
export class FullAuthBench extends BenchHandlers {}

/** Full auth as above, streaming from an async generator. */
@GrpcService(BenchServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: [BENCH_SCOPE], boundToCertificate: true })
export class FullAuthAsyncStreamBench extends BenchHandlers {
  override stream(req: StreamRequest__Output, ctx: CallContext): AsyncIterable<EchoResponse> {
    return streamAsync(req, ctx.signal);
  }
}

/**
 * A Rampart app as a user would configure it for production, except the issuer's keys come from a JWKS file
 * instead of discovery (no network in the bench): TLS from watched files, default log level (info; allowed-call
 * audits are at debug), default verified-token cache (10 000 entries), reflection and health on. `extra` adds
 * plugins after the auth plugin, top-level config values and environment variables (the handler loop's rate-limited
 * variants).
 */
export async function startRampart(
  fixtures: Fixtures,
  auth: boolean,
  logLevel = 'info',
  asyncStream = false,
  extra: { readonly plugins?: readonly RampartPlugin[]; readonly values?: Record<string, unknown>; readonly env?: Record<string, string> } = {},
): Promise<{ port: number; app: RampartApp }> {
  const app = await createApp({
    name: auth ? 'bench-auth' : 'bench-mtls',
    services: [auth ? (asyncStream ? FullAuthAsyncStreamBench : FullAuthBench) : MtlsOnlyBench],
    protos: { root: BENCH_PROTO_ROOT },
    plugins: [rampartAuth(), ...(extra.plugins ?? [])],
    handleSignals: false,
    config: {
      env: extra.env ?? {},
      values: {
        server: { host: '127.0.0.1', port: 0 },
        log: { level: logLevel },
        transport: { tls: { certFile: fixtures.serverCertFile, keyFile: fixtures.serverKeyFile, caFile: fixtures.caFile } },
        ...(auth
          ? {
              auth: {
                tokens: {
                  audience: fixtures.audience,
                  issuers: [{ issuer: fixtures.issuer, jwksFile: fixtures.jwksFile, requireTyp: true, algorithms: ['ES256'] }],
                },
              },
            }
          : {}),
        ...extra.values,
      },
    },
  });
  const { port } = await app.listen();
  return { port, app };
}
