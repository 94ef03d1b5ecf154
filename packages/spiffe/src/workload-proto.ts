import { fileURLToPath } from 'node:url';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';

/** The Workload API's service name: the specification's proto has no package statement. */
export const WORKLOAD_API_SERVICE = 'SpiffeWorkloadAPI';

/** The metadata every Workload API call must carry (SPIFFE Workload Endpoint, section 3): SSRF hardening. */
export const WORKLOAD_HEADER = { key: 'workload.spiffe.io', value: 'true' } as const;

/**
 * The path of the Workload API's .proto shipped with this package (`proto/spiffe/workload.proto`).
 *
 * @example
 * ```ts
 * loadSync(WORKLOAD_PROTO_PATH);
 * ```
 */
export const WORKLOAD_PROTO_PATH = fileURLToPath(new URL('../proto/spiffe/workload.proto', import.meta.url));

let loaded: PackageDefinition | undefined;

/**
 * The Workload API's package definition, loaded once: camelCase fields, bytes as Buffers, defaults filled in (an
 * absent map is `{}`, an absent string `''`), oneofs named (for `google.protobuf.Struct`).
 *
 * @example
 * ```ts
 * const service = workloadPackage()[WORKLOAD_API_SERVICE];
 * ```
 */
export function workloadPackage(): PackageDefinition {
  loaded ??= loadSync(WORKLOAD_PROTO_PATH, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
  return loaded;
}
