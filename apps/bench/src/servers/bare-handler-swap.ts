import type { Server } from '@grpc/grpc-js';
import type { RampartApp } from '@rampart/server';
import { bareHandlers } from './bare-grpc.js';

const ECHO_PATH = '/rampart.bench.v1.BenchService/Echo';

/**
 * Replaces, in a started Rampart app's grpc-js server, the unary echo handler Rampart registered with the bare one
 * (the bench's `rampart-mtls-bare-handler` control). Reaches into grpc-js 1.14's private handler table: throws when
 * this grpc-js keeps its handlers elsewhere, rather than measuring the wrong thing.
 */
export function swapEchoHandler(app: RampartApp): void {
  const server = (app as unknown as { server?: Server }).server;
  const handlers = (server as unknown as { handlers?: Map<string, { func: unknown }> } | undefined)?.handlers;
  const entry = handlers?.get(ECHO_PATH);
  if (entry === undefined) throw new Error(`no grpc-js handler for ${ECHO_PATH}: this grpc-js keeps its handlers elsewhere`);
  entry.func = (call: never, callback: never) => bareHandlers.echo(call, callback);
}
