import { Authenticated, RequireMtls } from '@rampart/auth';
import { GrpcService, type MethodShape, type ServiceDescriptor } from '@rampart/core';
import { fileURLToPath } from 'node:url';

/** The folder of the rollout's own proto (`proto/rampart/rollout/v1/replay_probe.proto`). */
export const ROLLOUT_PROTO_ROOT = fileURLToPath(new URL('../../proto', import.meta.url));
export const REPLAY_PROBE_PROTO = 'rampart/rollout/v1/replay_probe.proto';

type RedeemResponse = { replica?: string };
export type ReplayProbeShape = {
  readonly redeem: MethodShape<'unary', Record<string, never>, Record<string, never>, RedeemResponse, { replica: string }>;
};

/** Run-time description of `rampart.rollout.v1.ReplayProbe` (one method: written by hand, not generated). */
export const ReplayProbeDescriptor: ServiceDescriptor<ReplayProbeShape> = {
  typeName: 'rampart.rollout.v1.ReplayProbe',
  protoFile: REPLAY_PROBE_PROTO,
  methods: { redeem: { name: 'Redeem', path: '/rampart.rollout.v1.ReplayProbe/Redeem', kind: 'unary' } },
};

/** Accepts each inventory token once; with the Redis plugin, once across every replica. */
@GrpcService(ReplayProbeDescriptor)
@RequireMtls()
export class ReplayProbeService {
  @Authenticated({ scopes: ['inventory:read'], oneTimeUse: true })
  redeem(): Promise<RedeemResponse> {
    return Promise.resolve({ replica: process.env.ROLLOUT_REPLICA_ID ?? 'unknown' });
  }
}
