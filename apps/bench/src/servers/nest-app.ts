import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { type Metadata, ServerCredentials, status } from '@grpc/grpc-js';
import { type CanActivate, Controller, type ExecutionContext, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, RpcException, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { PROTO_LOADER_OPTIONS } from '@rampart/codegen';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { EchoRequest__Output, EchoResponse } from '../generated/index.js';
import { freePort } from '../free-port.js';
import type { Fixtures } from '../ipc.js';
import { BENCH_PROTO_FILE, BENCH_PROTO_ROOT } from '../paths.js';
import { served } from './served.js';

/**
 * The JWT guard a NestJS user writes with jose: `Bearer` from the metadata, `jwtVerify` against the issuer's JWKS
 * (issuer, audience, ES256, `typ: at+jwt`), then the scope. It has no verified-token cache and does not check the
 * certificate binding (that would need the peer certificate per call); the port requires a client certificate.
 */
export class JwtGuard implements CanActivate {
  readonly #keys: ReturnType<typeof createLocalJWKSet>;

  constructor(
    jwks: JSONWebKeySet,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly scope: string,
  ) {
    this.#keys = createLocalJWKSet(jwks);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const metadata = context.switchToRpc().getContext<Metadata>();
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      throw new RpcException({ code: status.UNAUTHENTICATED, message: 'missing token' });
    }
    let scope: unknown;
    try {
      ({ payload: { scope } } = await jwtVerify(header.slice(7), this.#keys, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ['ES256'],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'sub'],
      }));
    } catch {
      throw new RpcException({ code: status.UNAUTHENTICATED, message: 'invalid token' });
    }
    if (typeof scope !== 'string' || !scope.split(' ').includes(this.scope)) {
      throw new RpcException({ code: status.PERMISSION_DENIED, message: 'insufficient scope' });
    }
    return true;
  }
}

/**
 * A NestJS gRPC microservice (Nest 11, `@nestjs/microservices` over grpc-js) over mutual TLS with {@link JwtGuard}.
 * `port`: where to listen (default: a free one). `health`: also serve `grpc.health.v1.Health` (`grpc-health-check`,
 * SERVING), added through Nest's `onLoadPackageDefinition` hook (the one Nest's documentation adds gRPC reflection
 * with), for the start-up measurement.
 */
export async function startNest(
  fixtures: Fixtures,
  options: { readonly port?: number; readonly health?: boolean } = {},
): Promise<{ port: number; close(): Promise<void> }> {
  const jwks = JSON.parse(readFileSync(fixtures.jwksFile, 'utf8')) as JSONWebKeySet;
  const guard = new JwtGuard(jwks, fixtures.issuer, fixtures.audience, fixtures.scope);

  @Controller()
  class BenchController {
    @UseGuards(guard)
    @GrpcMethod('BenchService', 'Echo')
    echo(data: EchoRequest__Output): EchoResponse {
      served.units += 1;
      return { payload: data.payload };
    }
  }

  @Module({ controllers: [BenchController] })
  class BenchModule {}

  const port = options.port ?? (await freePort());
  const health = options.health ? new (await import('grpc-health-check')).HealthImplementation({ '': 'SERVING' }) : undefined;
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
    logger: ['error'],
    transport: Transport.GRPC,
    options: {
      package: 'rampart.bench.v1',
      protoPath: BENCH_PROTO_FILE,
      url: `127.0.0.1:${port}`,
      loader: { ...PROTO_LOADER_OPTIONS, includeDirs: [BENCH_PROTO_ROOT] },
      ...(health ? { onLoadPackageDefinition: (_pkg: unknown, server: Parameters<typeof health.addToServer>[0]) => health.addToServer(server) } : {}),
      credentials: ServerCredentials.createSsl(
        readFileSync(fixtures.caFile),
        [{ private_key: readFileSync(fixtures.serverKeyFile), cert_chain: readFileSync(fixtures.serverCertFile) }],
        true,
      ),
    },
  });
  await app.listen();
  return { port, close: () => app.close() };
}
