import {
  status as GrpcStatus,
  type handleBidiStreamingCall,
  type Server,
  type ServerDuplexStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { parseSpiffeId, RampartError, type ConfigReader, type Logger, type PeerIdentity } from '@rampart/core';
import type { ServerConfig } from './config-schema.js';
import { reflectionDescriptors } from './reflection-descriptors.js';
import type { PeerIdentityCache } from './tls/peer-cache.js';

/**
 * Who may use server reflection: anyone (the default), any client with a verified certificate carrying a SPIFFE ID
 * (`requireMtls`), or only the listed SPIFFE IDs (`allow`, which implies `requireMtls`).
 *
 * @example
 * ```ts
 * const access: ReflectionAccess = { requireMtls: true, allow: new Set(['spiffe://prod.example/ops/grpcurl']) };
 * ```
 */
export interface ReflectionAccess {
  readonly requireMtls: boolean;
  readonly allow: ReadonlySet<string>;
}

/**
 * Reads `server.reflectionRequireMtls` and `server.reflectionAllow`; a list entry that is not a workload SPIFFE ID
 * stops start-up naming the key and the entry.
 *
 * @example
 * ```ts
 * reflectionAccessFromConfig(config); // { requireMtls: false, allow: Set(0) } by default
 * ```
 */
export function reflectionAccessFromConfig(config: ConfigReader<ServerConfig>): ReflectionAccess {
  const allow = config.get('server.reflectionAllow');
  for (const id of allow) {
    try {
      parseSpiffeId(id);
    } catch (error) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `server.reflectionAllow: ${(error as Error).message}. Fix: list workload SPIFFE IDs such as spiffe://example.org/ops (RAMPART_SERVER_REFLECTION_ALLOW, comma-separated)`,
      );
    }
  }
  return { requireMtls: allow.length > 0 || config.get('server.reflectionRequireMtls'), allow: new Set(allow) };
}

/** Why a peer may not use reflection: the status and short message it gets, and the reason for the log. */
interface Refusal {
  readonly code: GrpcStatus;
  readonly details: string;
  readonly reason: string;
}

function refusalOf(peer: PeerIdentity | undefined, access: ReflectionAccess): Refusal | undefined {
  if (!access.requireMtls) return undefined;
  const unauthenticated = (reason: string): Refusal => ({ code: GrpcStatus.UNAUTHENTICATED, details: 'client certificate required', reason });
  if (peer === undefined) return unauthenticated('no verified client certificate');
  if (peer.spiffeId === undefined) return unauthenticated('the client certificate has no SPIFFE ID');
  if (access.allow.size > 0 && !access.allow.has(peer.spiffeId)) {
    return { code: GrpcStatus.PERMISSION_DENIED, details: 'peer not allowed', reason: `${peer.spiffeId} is not in server.reflectionAllow` };
  }
  return undefined;
}

/**
 * Serves gRPC server reflection (v1 and v1alpha) for `services`. With `access.requireMtls`, every reflection call
 * is checked before the reflection handler runs: no verified client certificate (or one without a SPIFFE ID) ends
 * it with UNAUTHENTICATED, a SPIFFE ID outside `access.allow` with PERMISSION_DENIED, and a warning says why.
 * Health is not affected: it stays public, so probes and load balancers need no certificate.
 *
 * @example
 * ```ts
 * addReflection(server, protos.packageDefinition, ['rampart.demo.inventory.v1.InventoryService'], access, peers, logger);
 * ```
 */
export function addReflection(
  server: Server,
  packageDefinition: PackageDefinition,
  services: readonly string[],
  access: ReflectionAccess,
  peers: PeerIdentityCache,
  logger: Logger,
): void {
  const reflection = new ReflectionService(reflectionDescriptors(packageDefinition), { services: [...services] });
  if (!access.requireMtls) {
    reflection.addToServer(server);
    return;
  }
  reflection.addToServer({
    addService: (definition: ServiceDefinition, implementation: UntypedServiceImplementation) => {
      const gated: UntypedServiceImplementation = {};
      for (const [name, method] of Object.entries(definition)) {
        if (!method.requestStream || !method.responseStream) {
          throw new RampartError('ERR_INTERNAL', `reflection method ${method.path} is not a bidirectional stream: cannot require mTLS for it`);
        }
        gated[name] = gate(method.path, implementation[name] as handleBidiStreamingCall<unknown, unknown>, access, peers, logger);
      }
      server.addService(definition, gated);
    },
  });
}

function gate(
  path: string,
  handler: handleBidiStreamingCall<unknown, unknown>,
  access: ReflectionAccess,
  peers: PeerIdentityCache,
  logger: Logger,
): handleBidiStreamingCall<unknown, unknown> {
  return (call: ServerDuplexStream<unknown, unknown>) => {
    const peer = peers.of(call);
    const refusal = refusalOf(peer, access);
    if (refusal === undefined) {
      handler(call);
      return;
    }
    logger.warn({ method: path, peer: peer?.spiffeId ?? peer?.subject, reason: refusal.reason, status: refusal.code }, 'reflection call refused');
    call.emit('error', { code: refusal.code, details: refusal.details });
  };
}
