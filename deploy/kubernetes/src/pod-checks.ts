import type { KubeObject } from './render.js';

/** The parts of a container the checks read. */
interface Container {
  readonly name: string;
  readonly env?: readonly { name: string; value?: string }[];
  readonly ports?: readonly { name?: string; containerPort: number }[];
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly securityContext?: Record<string, unknown>;
  readonly volumeMounts?: readonly { name: string }[];
}
interface Probe {
  readonly grpc?: { port: number };
  readonly periodSeconds?: number;
  readonly failureThreshold?: number;
}
interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly { name: string }[];
  readonly securityContext?: Record<string, unknown>;
  readonly terminationGracePeriodSeconds?: number;
}

/** The pod template of a Deployment or StatefulSet. */
export function podSpecOf(object: KubeObject): PodSpec | undefined {
  const spec = object['spec'] as { template?: { spec?: PodSpec } } | undefined;
  return object.kind === 'Deployment' || object.kind === 'StatefulSet' ? spec?.template?.spec : undefined;
}

const envOf = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;

function containerSecurity(where: string, c: Container, pod: PodSpec): string[] {
  const s = c.securityContext ?? {};
  const caps = (s['capabilities'] as { drop?: string[] } | undefined)?.drop ?? [];
  const problems: string[] = [];
  if (s['runAsNonRoot'] !== true && pod.securityContext?.['runAsNonRoot'] !== true) problems.push(`${where}: runAsNonRoot is not true`);
  if (s['readOnlyRootFilesystem'] !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
  if (s['allowPrivilegeEscalation'] !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
  if (!caps.includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
  if (s['privileged'] === true) problems.push(`${where}: privileged`);
  if (!c.resources?.requests || !c.resources.limits?.['memory']) problems.push(`${where}: needs resource requests and a memory limit`);
  return problems;
}

/** A Rampart server container: its probes on the health port, its address, its shutdown within the grace period. */
function rampartServer(where: string, c: Container, pod: PodSpec): string[] {
  const health = envOf(c, 'RAMPART_SERVER_HEALTH_PORT');
  if (health === undefined) return [];
  const problems: string[] = [];
  const port = Number(health);
  if (!c.ports?.some((p) => p.containerPort === port)) problems.push(`${where}: health port ${health} is not a declared containerPort`);
  if (envOf(c, 'RAMPART_SERVER_HOST') !== '0.0.0.0') problems.push(`${where}: RAMPART_SERVER_HOST must be 0.0.0.0 in a pod`);
  for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    const probe = c[kind];
    if (probe?.grpc?.port !== port) problems.push(`${where}: ${kind} must be a grpc probe on the health port ${health}`);
  }
  const drainMs = Number(envOf(c, 'RAMPART_SERVER_DRAIN_DELAY_MS') ?? 0);
  const graceMs = Number(envOf(c, 'RAMPART_SERVER_SHUTDOWN_GRACE_MS') ?? 10_000);
  const terminationMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
  if (terminationMs <= drainMs + graceMs) {
    problems.push(`${where}: terminationGracePeriodSeconds ${terminationMs / 1000} does not cover drain ${drainMs} ms + grace ${graceMs} ms`);
  }
  const live = c.livenessProbe;
  if (live && (live.periodSeconds ?? 10) * (live.failureThreshold ?? 3) * 1000 <= drainMs + graceMs) {
    problems.push(`${where}: the liveness probe would restart the container during its shutdown (NOT_SERVING)`);
  }
  return problems;
}

/**
 * Checks of every pod template beyond the schema: the restricted security settings on every container (sidecars
 * included), resources, volume mounts that name a volume, and for Rampart servers the probes, listen address and
 * shutdown timing.
 */
export function podProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const pod = podSpecOf(object);
    if (!pod) continue;
    const name = `${object.kind} ${object.metadata.name}`;
    const seccomp = (pod.securityContext?.['seccompProfile'] as { type?: string } | undefined)?.type;
    if (seccomp !== 'RuntimeDefault') problems.push(`${name}: pod seccompProfile is not RuntimeDefault`);
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      const where = `${name} container ${c.name}`;
      problems.push(...containerSecurity(where, c, pod), ...rampartServer(where, c, pod));
      for (const mount of c.volumeMounts ?? []) if (!volumes.has(mount.name)) problems.push(`${where}: mounts ${mount.name}, which no volume declares`);
    }
  }
  return problems;
}
