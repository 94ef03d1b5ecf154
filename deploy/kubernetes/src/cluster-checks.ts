import { podSpecOf } from './pod-checks.js';
import type { KubeObject } from './render.js';

type Labels = Record<string, string>;

const matches = (selector: Labels | undefined, labels: Labels | undefined): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const podLabels = (o: KubeObject): Labels | undefined => (o['spec'] as { template?: { metadata?: { labels?: Labels } } }).template?.metadata?.labels;

const PRIVATE = /PRIVATE KEY|"d"\s*:/;

/** Secret and ConfigMap values holding private key material (PEM keys, private JWKs): none may be committed. */
export function inlineKeyProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    if (o.kind !== 'Secret' && o.kind !== 'ConfigMap') continue;
    const values: [string, string][] = [
      ...Object.entries((o['data'] as Labels | undefined) ?? {}).map(([k, v]): [string, string] => [k, o.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v]),
      ...Object.entries((o['stringData'] as Labels | undefined) ?? {}),
    ];
    for (const [key, value] of values) if (PRIVATE.test(value)) problems.push(`${o.kind} ${o.metadata.name}: ${key} holds a private key`);
  }
  return problems;
}

/** Every workload has a PodDisruptionBudget; every one that serves gRPC has a headless Service. */
export function availabilityProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const services = objects.filter((o) => o.kind === 'Service');
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const labels = podLabels(o);
    const name = `${o.kind} ${o.metadata.name}`;
    if (!pdbs.some((p) => matches((p['spec'] as { selector?: { matchLabels?: Labels } }).selector?.matchLabels, labels))) problems.push(`${name}: no PodDisruptionBudget selects it`);
    const grpc = pod.containers.some((c) => c.ports?.some((p) => p.name === 'grpc'));
    const headless = services.some((s) => {
      const spec = s['spec'] as { clusterIP?: string; selector?: Labels };
      return spec.clusterIP === 'None' && matches(spec.selector, labels);
    });
    if (grpc && !headless) problems.push(`${name}: serves gRPC without a headless Service (clients could not balance over its pods)`);
  }
  return problems;
}

interface Peer {
  readonly podSelector?: { matchLabels?: Labels };
  readonly namespaceSelector?: { matchLabels?: Labels };
}
interface Rule {
  readonly from?: readonly Peer[];
  readonly to?: readonly Peer[];
  readonly ports?: readonly { port: number }[];
}

const NAME = 'app.kubernetes.io/name';

/** A peer as a name: its app name, `kube-dns`, a label `key=value` it is selected by, or `*` for everything. */
function peerName(peer: Peer): string {
  const labels = peer.podSelector?.matchLabels ?? {};
  if (labels[NAME]) return labels[NAME];
  if (labels['k8s-app']) return labels['k8s-app'];
  const [first] = Object.entries(labels);
  return first ? `${first[0]}=${first[1]}` : '*';
}

/**
 * The connections the NetworkPolicies allow, as `from -> to:port` (ingress and egress apart), plus whether a
 * default-deny policy covers every pod in both directions.
 */
export function allowedEdges(objects: readonly KubeObject[]): { ingress: string[]; egress: string[]; defaultDeny: boolean } {
  const ingress: string[] = [];
  const egress: string[] = [];
  let defaultDeny = false;
  for (const o of objects.filter((x) => x.kind === 'NetworkPolicy')) {
    const spec = o['spec'] as { podSelector: { matchLabels?: Labels }; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
    const self = spec.podSelector.matchLabels?.[NAME] ?? '*';
    const types = spec.policyTypes ?? [];
    if (self === '*' && types.includes('Ingress') && types.includes('Egress') && !spec.ingress?.length && !spec.egress?.length) defaultDeny = true;
    for (const rule of spec.ingress ?? []) {
      for (const peer of rule.from ?? [{}]) for (const { port } of rule.ports ?? []) ingress.push(`${peerName(peer)} -> ${self}:${port}`);
    }
    for (const rule of spec.egress ?? []) {
      for (const peer of rule.to ?? [{}]) for (const { port } of rule.ports ?? []) egress.push(`${self} -> ${peerName(peer)}:${port}`);
    }
  }
  return { ingress: [...new Set(ingress)].sort(), egress: [...new Set(egress)].sort(), defaultDeny };
}
