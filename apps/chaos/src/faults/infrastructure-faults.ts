import { rollingRestart } from '@rampart/rollout';
import { CLEAN_LINK } from '../proxy/link-faults.js';
import type { Fault } from './fault.js';

/** Redis stopped (its data gone), then started again. */
export const redisDown: Fault = {
  name: 'Redis down',
  planned: false,
  allowed: ['UNAVAILABLE', 'WRONG_ANSWER'],
  expected:
    'calls into inventory fail closed (UNAVAILABLE "auth store unavailable": with the Redis plugin every call checks revocations there, one-time tokens their replay): PlaceOrder UNAVAILABLE, imports report their orders rejected; orders\' reads go on; back within seconds of Redis',
  quick: false,
  async run({ system, pause, log }) {
    await system.cluster?.stopRedis();
    log('redis stopped');
    await pause(8_000);
    await system.cluster?.startRedis();
    log('redis started (empty)');
    await pause(5_000);
  },
};

/** Redis frozen (SIGSTOP): connections open, no answers. */
export const redisFrozen: Fault = {
  name: 'Redis frozen (SIGSTOP)',
  planned: false,
  allowed: ['UNAVAILABLE', 'WRONG_ANSWER'],
  expected: 'as Redis down, each call into inventory after the command timeout (redis.commandTimeoutMs, 300 ms): nothing waits longer; back when Redis answers again',
  quick: true,
  async run({ system, pause, log }) {
    const redis = system.cluster?.redis?.child;
    redis?.kill('SIGSTOP');
    log('redis SIGSTOP');
    try {
      await pause(8_000);
    } finally {
      redis?.kill('SIGCONT');
      log('redis SIGCONT');
    }
    await pause(4_000);
  },
};

/** An orders replica killed with SIGKILL while calls and streams run on it; a replacement starts, as a Deployment's would. */
export const replicaKilled: Fault = {
  name: 'orders replica SIGKILL',
  planned: false,
  allowed: ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'CANCELLED', 'INTERNAL', 'WRONG_ANSWER'],
  expected:
    'calls in flight on the killed replica fail (UNAVAILABLE "Connection dropped"); a call a client had queued behind its only ready connection to it can wait out its deadline (DEADLINE_EXCEEDED); new calls go to the others at once; the replacement takes traffic',
  quick: true,
  async run({ system, pause, log }) {
    const cluster = system.cluster;
    const victim = system.running('orders')[0];
    if (!cluster || !victim) return;
    victim.process.child.kill('SIGKILL');
    log(`${victim.id} SIGKILL`);
    cluster.removeFromDns(victim);
    await cluster.terminate(victim, 1_000);
    const replacement = await cluster.startReplica('orders');
    cluster.addToDns(replacement);
    log(`${replacement.id} SERVING, added to DNS`);
    await pause(6_000);
  },
};

/** One orders replica cut off from its clients: nothing crosses its link, new connections hang. */
export const partition: Fault = {
  name: 'network partition (one orders replica)',
  planned: false,
  allowed: ['DEADLINE_EXCEEDED', 'UNAVAILABLE'],
  expected:
    'calls sent to the cut-off replica stall and end DEADLINE_EXCEEDED or UNAVAILABLE; the others keep serving; when the link heals held calls complete and it takes traffic again',
  quick: false,
  async run({ system, pause, log }) {
    const victim = system.running('orders')[0];
    const sidecar = victim ? system.sidecars.get(victim.id) : undefined;
    if (!victim || !sidecar) return;
    await sidecar.set({ ...CLEAN_LINK, partitioned: true });
    log(`${victim.id} partitioned`);
    await pause(15_000);
    await sidecar.set(CLEAN_LINK);
    log(`${victim.id} link healed`);
    await pause(8_000);
  },
};

/** Latency, jitter and loss on every link at once. */
export const latencyAndLoss: Fault = {
  name: 'latency 50 ms + 2 % loss',
  planned: false,
  allowed: [],
  expected: 'no valid call fails; latency grows by the added delay and by the late (lost) chunks',
  quick: true,
  async run({ system, pause, log }) {
    await system.setAllLinks({ ...CLEAN_LINK, latencyMs: 50, jitterMs: 20, loss: 0.02 });
    log('every link: 50 ms + up to 20 ms jitter, 2 % of chunks a retransmission timeout late');
    await pause(15_000);
    await system.setAllLinks(CLEAN_LINK);
    await pause(3_000);
  },
};

/** A rolling restart of inventory, then orders (maxSurge 1, maxUnavailable 0), as `pnpm rollout` does. */
export const rollingRestartFault: Fault = {
  name: 'rolling restart',
  planned: true,
  allowed: [],
  expected: 'no valid call fails: each replica drains (NOT_SERVING, drain delay, GOAWAY) after its replacement serves',
  quick: true,
  async run({ system, pause, log, quick }) {
    const cluster = system.cluster;
    if (!cluster) return;
    const timing = { endpointsLagMs: 1_000, terminationGraceMs: 15_000, betweenMs: 1_000, ...(quick ? { replace: 1 } : {}) };
    for (const kind of ['inventory', 'orders'] as const) await rollingRestart(cluster, kind, timing, log);
    await pause(3_000);
  },
};
