import type { Server } from '@grpc/grpc-js';
import type { RampartApp } from '@rampart/server';
import { ECHO_PATH } from '../paths.js';
import { bareHandlers } from './bare-grpc.js';

/**
 * The entry grpc-js 1.14 keeps for `path` in a server's private handler table (its `func` is what it calls). Throws
 * when this grpc-js keeps its handlers elsewhere, rather than letting the bench measure the wrong thing.
 */
export function grpcHandlerEntry(server: Server | undefined, path: string): { func: unknown } {
  const handlers = (server as unknown as { handlers?: Map<string, { func: unknown }> } | undefined)?.handlers;
  const entry = handlers?.get(path);
  if (entry === undefined) throw new Error(`no grpc-js handler for ${path}: this grpc-js keeps its handlers elsewhere`);
  return entry;
}

/** The grpc-js server a started Rampart app serves on. */
export function grpcServerOf(app: RampartApp): Server | undefined {
  return (app as unknown as { server?: Server }).server;
}

/**
 * Replaces, in a started Rampart app's grpc-js server, the unary echo handler Rampart registered with the bare one
 * (the bench's `rampart-mtls-bare-handler` control).
 */
export function swapEchoHandler(app: RampartApp): void {
  grpcHandlerEntry(grpcServerOf(app), ECHO_PATH).func = (call: never, callback: never) => bareHandlers.echo(call, callback);
}
