import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allowedEdges, manifestProblems, renderKustomization, type KubeObject } from '../src/index.js';

// The checks must be able to fail: each test breaks one rule in a copy of a rendered overlay.
const base = (): KubeObject[] => renderKustomization(fileURLToPath(new URL('../overlays/cert-manager', import.meta.url)));

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function changed(edit: (objects: Mutable[]) => void): string[] {
  const objects = structuredClone(base()) as Mutable[];
  edit(objects);
  return manifestProblems(objects as KubeObject[]);
}
const deployment = (objects: Mutable[], name: string): Mutable => objects.find((o) => o['kind'] === 'Deployment' && o['metadata'].name === name) as Mutable;
const container = (objects: Mutable[], name: string): Mutable => deployment(objects, name)['spec'].template.spec.containers[0] as Mutable;

describe('the manifest checks refuse', () => {
  it('a value of the wrong type (schema validation works)', () => {
    expect(changed((o) => (deployment(o, 'inventory')['spec'].replicas = 'three'))).toEqual([expect.stringMatching(/^Deployment inventory: .*replicas/)]);
  });

  it('an unknown kind', () => {
    expect(changed((o) => o.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }))).toEqual(['Widget w: no schema known for example.com/v1/Widget']);
  });

  it('a container that may run as root or write its filesystem', () => {
    const problems = changed((o) => {
      delete container(o, 'orders')['securityContext'].readOnlyRootFilesystem;
      container(o, 'orders')['securityContext'].allowPrivilegeEscalation = true;
    });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/orders container orders: readOnlyRootFilesystem/), expect.stringMatching(/allowPrivilegeEscalation/)]));
  });

  it('a probe on another port than the health port', () => {
    expect(changed((o) => (container(o, 'inventory')['readinessProbe'].grpc.port = 50051))).toEqual([expect.stringMatching(/readinessProbe must be a grpc probe on the health port 8081/)]);
  });

  it('a termination grace period shorter than drain delay + shutdown grace', () => {
    expect(changed((o) => (deployment(o, 'orders')['spec'].template.spec.terminationGracePeriodSeconds = 12))).toEqual([expect.stringMatching(/terminationGracePeriodSeconds 12 does not cover/)]);
  });

  it('a Secret holding a private key inline, and a workload without a PDB', () => {
    const problems = changed((o) => {
      o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak' }, stringData: { 'key.pem': '-----BEGIN PRIVATE KEY-----\n...' } });
      const i = o.findIndex((x) => x['kind'] === 'PodDisruptionBudget' && x['metadata'].name === 'redis');
      o.splice(i, 1);
    });
    expect(problems).toEqual(['Deployment redis: no PodDisruptionBudget selects it', 'Secret leak: key.pem holds a private key']);
  });

  it('a mount of a volume the pod does not declare (the base without an overlay)', () => {
    expect(changed((o) => (deployment(o, 'issuer')['spec'].template.spec.volumes = []))).toEqual(
      expect.arrayContaining([expect.stringMatching(/issuer container issuer: mounts signing-keys, which no volume declares/)]),
    );
  });

  it('an extra allowed connection shows in the edges', () => {
    const objects = structuredClone(base()) as Mutable[];
    const redis = objects.find((x) => x['kind'] === 'NetworkPolicy' && x['metadata'].name === 'redis') as Mutable;
    (redis['spec'].ingress[0].from as Mutable[]).push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'issuer' } } });
    expect(allowedEdges(objects as KubeObject[]).ingress).toContain('issuer -> redis:6379');
  });
});
