import { LiteH2Connection } from './h2-client.js';
import { RawGrpcConnection } from './raw-client.js';
import { ReconnectingTransport } from './reconnecting.js';
import type { ClientKind, GrpcTransport, RawTarget } from './transport.js';

/** Opens a connection with the chosen client. */
export function openTransport(kind: ClientKind, target: RawTarget): Promise<GrpcTransport> {
  return kind === 'lite' ? LiteH2Connection.open(target) : RawGrpcConnection.open(target);
}

/** Opens a connection that is replaced by a new one whenever the server stops taking calls on it (GOAWAY). */
export async function openReconnecting(kind: ClientKind, target: RawTarget): Promise<ReconnectingTransport> {
  return new ReconnectingTransport(await openTransport(kind, target), () => openTransport(kind, target));
}
