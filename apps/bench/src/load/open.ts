import { LiteH2Connection } from './h2-client.js';
import { RawGrpcConnection } from './raw-client.js';
import type { ClientKind, GrpcTransport, RawTarget } from './transport.js';

/** Opens a connection with the chosen client. */
export function openTransport(kind: ClientKind, target: RawTarget): Promise<GrpcTransport> {
  return kind === 'lite' ? LiteH2Connection.open(target) : RawGrpcConnection.open(target);
}
