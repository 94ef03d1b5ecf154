import type { ChannelCredentials } from '@grpc/grpc-js';
import { closeClient, createClient, type TokenClient, callError } from '@rampart/client';
import { statusName } from '@rampart/core';
import type { Replica } from './cluster/cluster.js';
import { SERVICE_PORT } from './cluster/cluster-env.js';
import { ReplayProbeDescriptor, ROLLOUT_PROTO_ROOT } from './replicas/replay-probe.js';
import type { ReplayResult } from './report/results.js';
import { spiffeId } from './rollout-pki.js';

/**
 * Sends one fresh token to ReplayProbe.Redeem (which takes one-time tokens) at `first`, then the same token at `second`: with
 * the replay store in Redis the second call must be refused (UNAUTHENTICATED), although `second` never saw it.
 */
export async function replayCheck(first: Replica, second: Replica, credentials: ChannelCredentials, tokens: TokenClient): Promise<ReplayResult> {
  const token = await tokens.token(spiffeId('inventory'));
  const call = async (replica: Replica): Promise<string> => {
    const client = createClient(ReplayProbeDescriptor, {
      address: `${replica.address}:${SERVICE_PORT}`,
      protoRoot: ROLLOUT_PROTO_ROOT,
      credentials,
      defaultDeadlineMs: 5_000,
      channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
    });
    try {
      const answer = await client.redeem({}, { metadata: { authorization: `Bearer ${token}` } });
      return `OK (accepted by ${answer.replica})`;
    } catch (error) {
      const rpc = callError(error);
      return `${statusName(rpc.status)} (${rpc.message})`;
    } finally {
      closeClient(client);
    }
  };
  const firstStatus = await call(first);
  const secondStatus = await call(second);
  return { firstReplica: first.id, firstStatus, secondReplica: second.id, secondStatus };
}
