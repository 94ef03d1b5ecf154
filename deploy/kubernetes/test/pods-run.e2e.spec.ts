// The rendered manifests configure the real apps the way they read their configuration: each Deployment's container
// runs as a local process with the pod's env, volumes and ports (support/local-pod.ts), and the pod's own probes,
// run as the kubelet runs them, decide whether it started, is ready and is alive. SIGTERM then shows the shutdown
// the manifests count on: NOT_SERVING to the readiness probe while the server still answers, and an exit before
// terminationGracePeriodSeconds would SIGKILL it. The static checks (overlays.spec.ts) cannot tell a key the apps do
// not read, a value they refuse, or a probe path that does not answer; this does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderKustomization, type KubeObject } from '../src/index.js';
import { grpcHealth, httpsGet, probeOnce, untilStarted } from './support/kubelet-probes.js';
import { LocalPod, podTemplateOf } from './support/local-pod.js';
import { clusterCa, controllerMade, freePorts, operatorSecrets, readOnlyMountsDigest, writeSvid, type ClusterCa } from './support/pod-inputs.js';
import { TestTrustDomain, TestWorkloadApi } from '@rampart/spiffe/testing';

const REDIS_BIN = process.env['RAMPART_REDIS_SERVER_BIN'] ?? 'redis-server';
const redisInstalled = spawnSync(REDIS_BIN, ['--version'], { stdio: 'ignore' }).status === 0;
if (!redisInstalled && process.env['RAMPART_REQUIRE_REDIS']) {
  throw new Error(`${REDIS_BIN} is required here (RAMPART_REQUIRE_REDIS is set) but cannot be run: apt-get install redis-server`);
}
const SKIP = redisInstalled ? '' : ` [SKIPPED: ${REDIS_BIN} is not installed; set RAMPART_REQUIRE_REDIS=1 to fail instead]`;

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PODS = ['redis', 'issuer', 'inventory', 'orders'];
const SERVICES = ['inventory', 'orders'];

/** How a pod gets its identity: cert-manager's and spiffe-helper's files, or a Workload API agent on the mounted socket. */
const IDENTITIES: Record<string, (pod: LocalPod, ca: ClusterCa, agents: TestWorkloadApi[]) => Promise<void>> = {
  'cert-manager': async (local, ca) => {
    await writeSvid(local, ca);
  },
  spire: async (local, _ca, agents) => {
    const socket = /^unix:\/\/(.*)$/.exec(local.env['SPIFFE_ENDPOINT_SOCKET'] ?? '')?.[1];
    if (socket === undefined) return; // redis
    const trustDomain = agents[0]?.own ?? (await TestTrustDomain.create('demo.rampart.dev'));
    const serviceAccount = (local.pod as { serviceAccountName?: string }).serviceAccountName ?? local.name; // the base sets one per app
    const spiffeId = `spiffe://demo.rampart.dev/ns/rampart/sa/${serviceAccount}`;
    agents.push(await TestWorkloadApi.start({ identities: [{ spiffeId, dnsNames: [`${local.name}.rampart.svc.cluster.local`] }], trustDomain, socketPath: socket }));
  },
};

describe.skipIf(!redisInstalled).each(Object.keys(IDENTITIES))(`overlays/%s: the rendered pods run the real apps${SKIP}`, (overlay) => {
  const agents: TestWorkloadApi[] = [];
  let objects: KubeObject[];
  let root: string;
  const pods = new Map<string, LocalPod>();
  const digests = new Map<string, Record<string, string>>();
  const pod = (name: string): LocalPod => pods.get(name)!;

  beforeAll(async () => {
    objects = renderKustomization(fileURLToPath(new URL(`../overlays/${overlay}`, import.meta.url)));
    root = mkdtempSync(join(tmpdir(), 'rampart-k8s-pods-'));
    const counts = PODS.map((name) => podTemplateOf(objects, name).containers[0]!.ports?.length ?? 0);
    const ports = await freePorts(counts.reduce((a, b) => a + b, 0));
    const redisPort = ports[0]!; // redis declares one port, first in PODS
    const ca = await clusterCa();
    const made = await controllerMade(objects, ca);
    const secrets = { ...made.secrets, ...(await operatorSecrets(root, `127.0.0.1:${redisPort}`)) };
    const inputs = { secrets, configMaps: made.configMaps, repoRoot: REPO_ROOT, root };
    let next = 0;
    for (const [i, name] of PODS.entries()) {
      const local = new LocalPod(name, objects, inputs, ports.slice(next, (next += counts[i]!)));
      local.layOutVolumes();
      await IDENTITIES[overlay]!(local, ca, agents);
      digests.set(name, readOnlyMountsDigest(local));
      pods.set(name, local);
    }
    expect(pod('redis').portOf('redis')).toBe(redisPort);
    // The image's redis-server listens on 6379 of the pod; here on its local port, on loopback only.
    pod('redis').start(['--port', String(redisPort), '--bind', '127.0.0.1']);
    for (const name of PODS.slice(1)) pod(name).start();
  }, 30_000);

  afterAll(async () => {
    for (const local of pods.values()) local.kill();
    await Promise.all(agents.map((agent) => agent.close()));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('every container starts within its startup probe budget, then passes its readiness and liveness probes', async () => {
    await Promise.all(
      PODS.map(async (name) => {
        const local = pod(name);
        const { startupProbe, readinessProbe, livenessProbe } = local.container;
        const portOf = (port: number | string) => local.portOf(port);
        try {
          await untilStarted(startupProbe!, portOf, local.exited);
        } catch (error) {
          throw new Error(`${name}: ${(error as Error).message}\n${local.output.join('').slice(-2_000)}`, { cause: error });
        }
        expect(await probeOnce(readinessProbe!, portOf), `${name} readiness`).toBe(true);
        expect(await probeOnce(livenessProbe!, portOf), `${name} liveness`).toBe(true);
      }),
    );
  }, 60_000);

  it("the issuer's probe path answers without a client certificate and names the issuer's configured URL", async () => {
    const issuer = pod('issuer');
    const probe = issuer.container.readinessProbe!.httpGet!;
    const { status, body } = await httpsGet(issuer.portOf(probe.port), probe.path);
    expect(status).toBe(200);
    expect((JSON.parse(body) as { issuer: string }).issuer).toBe(issuer.env['RAMPART_ISSUER_URL']);
  });

  it('on SIGTERM a service answers NOT_SERVING on its health port and the issuer keeps answering while they drain, and every container exits before SIGKILL', async () => {
    const started = Date.now();
    const stops = PODS.map((name) => ({ name, ...pod(name).terminate() }));
    await new Promise((r) => setTimeout(r, 1_000));
    for (const name of SERVICES) {
      // Still answering (not gone), and failing the readiness probe: the endpoints controller takes the pod out.
      const local = pod(name);
      expect(await grpcHealth(local.portOf(local.container.readinessProbe!.grpc!.port)), `${name} during the drain`).toBe('NOT_SERVING');
      expect(await probeOnce(local.container.readinessProbe!, (p) => local.portOf(p))).toBe(false);
    }
    // The issuer keeps answering token and discovery requests: the endpoints still route some here for a moment.
    const issuer = pod('issuer');
    const issuerProbe = issuer.container.readinessProbe!.httpGet!;
    expect((await httpsGet(issuer.portOf(issuerProbe.port), issuerProbe.path)).status, 'issuer during its drain').toBe(200);
    const exits = await Promise.all(stops.map(async (stop) => ({ ...stop, ...(await pod(stop.name).exited), afterMs: Date.now() - started })));
    for (const exit of exits) {
      expect(exit.signal, `${exit.name} was killed`).toBeNull();
      expect(exit.code, `${exit.name} exit code\n${pod(exit.name).output.join('').slice(-2_000)}`).toBe(0);
      expect(exit.afterMs).toBeLessThan(exit.killedAfterMs);
    }
    for (const name of [...SERVICES, 'issuer']) {
      // The drain delay the manifest sets was kept: the process did not exit before it ended.
      const drainMs = Number(pod(name).env[name === 'issuer' ? 'RAMPART_ISSUER_DRAIN_DELAY_MS' : 'RAMPART_SERVER_DRAIN_DELAY_MS']);
      expect(drainMs, `${name} drain delay`).toBeGreaterThan(0);
      expect(exits.find((e) => e.name === name)!.afterMs, name).toBeGreaterThanOrEqual(drainMs);
    }
  }, 60_000);

  it('nothing was written to a read-only mount', () => {
    for (const name of PODS) expect(readOnlyMountsDigest(pod(name)), name).toEqual(digests.get(name));
  });
});
