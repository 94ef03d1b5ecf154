import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allowedEdges, manifestProblems, renderKustomization, type KubeObject } from '../src/index.js';

const OVERLAYS = ['cert-manager', 'spire', 'spire-helper'];
const render = (overlay: string): KubeObject[] => renderKustomization(fileURLToPath(new URL(`../overlays/${overlay}`, import.meta.url)));

// The call graph of the sample system: who may open a connection to whom, and on which port. NetworkPolicies must
// allow exactly this (kubelet probes are not subject to them).
const INGRESS = [
  'inventory -> issuer:9443',
  'inventory -> redis:6379',
  'orders -> inventory:50051',
  'orders -> issuer:9443',
  'orders -> redis:6379',
  'rampart.dev/orders-client=true -> issuer:9443',
  'rampart.dev/orders-client=true -> orders:50051',
].sort();
const EGRESS = [
  '* -> kube-dns:53',
  'inventory -> issuer:9443',
  'inventory -> redis:6379',
  'orders -> inventory:50051',
  'orders -> issuer:9443',
  'orders -> redis:6379',
].sort();

describe.each(OVERLAYS)('overlays/%s', (overlay) => {
  const objects = render(overlay);

  it('renders the whole sample system', () => {
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const app of ['issuer', 'inventory', 'orders', 'redis']) {
      expect(kinds).toEqual(expect.arrayContaining([`Deployment/${app}`, `Service/${app}`, `PodDisruptionBudget/${app}`, `NetworkPolicy/${app}`]));
    }
    expect(objects.filter((o) => o.metadata.namespace !== undefined).every((o) => ['rampart', 'cert-manager'].includes(o.metadata.namespace as string))).toBe(true);
  });

  it('validates against the Kubernetes schemas and passes every check (security, probes, shutdown, availability, no inline keys)', () => {
    expect(manifestProblems(objects)).toEqual([]);
  });

  it('allows exactly the call graph, behind a default deny', () => {
    const edges = allowedEdges(objects);
    expect(edges.defaultDeny).toBe(true);
    expect(edges.ingress).toEqual(INGRESS);
    expect(edges.egress).toEqual(EGRESS);
  });

  it('gives every Rampart workload its SVID and trust bundle where the config points', () => {
    for (const app of ['issuer', 'inventory', 'orders']) {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app) as KubeObject;
      const container = (deployment['spec'] as { template: { spec: { containers: { volumeMounts: { mountPath: string }[]; env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0]!;
      const mounts = container.volumeMounts.map((m) => m.mountPath);
      const files = container.env.filter((e) => /_(CERT|KEY|CA)_FILE$/.test(e.name)).map((e) => e.value as string);
      if (overlay === 'spire') {
        // The Workload API variant: the agent's socket is mounted where SPIFFE_ENDPOINT_SOCKET points, and no file.
        expect(container.env.find((e) => e.name === 'RAMPART_TRANSPORT_SOURCE')?.value).toBe('workload-api');
        const socket = container.env.find((e) => e.name === 'SPIFFE_ENDPOINT_SOCKET')?.value ?? '';
        expect(socket).toMatch(/^unix:\/\/\//);
        expect(mounts.some((m) => socket.slice('unix://'.length).startsWith(`${m}/`)), socket).toBe(true);
        expect(files).toEqual([]);
        continue;
      }
      expect(mounts).toEqual(expect.arrayContaining(['/var/run/rampart/tls', '/var/run/rampart/trust']));
      expect(files.length).toBeGreaterThanOrEqual(3);
      for (const file of files) expect(mounts.some((m) => file.startsWith(`${m}/`)), file).toBe(true);
    }
  });
});
