import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderKustomization, type KubeObject } from '../src/index.js';

// The SPIFFE IDs the configuration expects (orders' pin on inventory, the issuer's client registry, inventory's
// allow list in apps/inventory) must be the IDs the overlays issue: spiffe://<td>/ns/<namespace>/sa/<ServiceAccount>.
const render = (overlay: string): KubeObject[] => renderKustomization(fileURLToPath(new URL(`../overlays/${overlay}`, import.meta.url)));
const TRUST_DOMAIN = 'demo.rampart.dev';

type Pod = { serviceAccountName: string; volumes: { name: string; csi?: { driver: string; volumeAttributes?: Record<string, string> }; secret?: { secretName: string } }[]; containers: { env: { name: string; value?: string }[] }[] };
const podOf = (objects: KubeObject[], app: string): Pod =>
  (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app)!['spec'] as { template: { spec: Pod } }).template.spec;
const idOf = (objects: KubeObject[], app: string): string => `spiffe://${TRUST_DOMAIN}/ns/rampart/sa/${podOf(objects, app).serviceAccountName}`;
const env = (pod: Pod, name: string): string | undefined => pod.containers[0]!.env.find((e) => e.name === name)?.value;
const clients = (objects: KubeObject[]): { client_id: string; spiffe_id: string }[] => {
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('issuer-clients'))!;
  return JSON.parse((map['data'] as Record<string, string>)['clients.json']!) as { client_id: string; spiffe_id: string }[];
};

describe.each(['cert-manager', 'spire', 'spire-helper'])('overlays/%s: the IDs configured are the IDs issued', (overlay) => {
  const objects = render(overlay);

  it("orders pins inventory's ID, and the issuer knows orders by its ID", () => {
    expect(env(podOf(objects, 'orders'), 'RAMPART_CLIENTS_INVENTORY_EXPECTED_SERVER_ID')).toBe(idOf(objects, 'inventory'));
    expect(clients(objects).find((c) => c.client_id === 'orders')?.spiffe_id).toBe(idOf(objects, 'orders'));
  });

  it('inventory lets exactly that orders ID reserve', async () => {
    const { ORDERS_WORKLOAD_ON_KUBERNETES } = await import('@rampart/inventory');
    expect(ORDERS_WORKLOAD_ON_KUBERNETES).toBe(idOf(objects, 'orders'));
  });
});

describe('overlays/cert-manager: nothing chooses its own identity', () => {
  const objects = render('cert-manager');

  it('inventory and orders get SVIDs from csi-driver-spiffe (the ID follows the ServiceAccount), never from csi.cert-manager.io', () => {
    for (const app of ['inventory', 'orders']) {
      const tls = podOf(objects, app).volumes.find((v) => v.name === 'tls');
      expect(tls?.csi?.driver).toBe('spiffe.csi.cert-manager.io');
      expect(tls?.csi?.volumeAttributes?.['spiffe.csi.cert-manager.io/fs-group']).toBe('1000');
    }
    const drivers = objects.flatMap((o) => (o.kind === 'Deployment' ? podOf(objects, o.metadata.name).volumes.map((v) => v.csi?.driver) : []));
    expect(drivers).not.toContain('csi.cert-manager.io');
  });

  it('every ServiceAccount that mounts an SVID may create its CertificateRequest, and no other', () => {
    const binding = objects.find((o) => o.kind === 'RoleBinding' && o.metadata.name === 'rampart-svid')!;
    const subjects = (binding['subjects'] as { name: string }[]).map((s) => s.name).sort();
    const mounting = ['issuer', 'inventory', 'orders', 'redis']
      .filter((app) => podOf(objects, app).volumes.some((v) => v.csi?.driver === 'spiffe.csi.cert-manager.io'))
      .map((app) => podOf(objects, app).serviceAccountName)
      .sort();
    expect(subjects).toEqual(mounting);
  });

  it("the issuer's HTTPS certificate names its Service and ID, and approver-policy allows that and nothing more", () => {
    const cert = objects.find((o) => o.kind === 'Certificate' && o.metadata.name === 'issuer-https')!['spec'] as { dnsNames: string[]; uris: string[]; usages: string[]; secretName: string; issuerRef: { name: string } };
    const policy = objects.find((o) => o.kind === 'CertificateRequestPolicy' && o.metadata.name === 'rampart-issuer-https')!['spec'] as {
      allowed: { dnsNames: { values: string[] }; uris: { values: string[] }; usages: string[] };
      selector: { issuerRef: { name: string } };
    };
    const issuerUrl = new URL(env(podOf(objects, 'issuer'), 'RAMPART_ISSUER_URL')!);
    expect(cert.dnsNames).toEqual([issuerUrl.hostname]);
    expect(cert.uris).toEqual([idOf(objects, 'issuer')]);
    expect(policy.allowed.dnsNames.values).toEqual(cert.dnsNames);
    expect(policy.allowed.uris.values).toEqual(cert.uris);
    expect(policy.allowed.usages).toEqual(cert.usages);
    expect(policy.selector.issuerRef.name).toBe(cert.issuerRef.name);
    expect(podOf(objects, 'issuer').volumes.find((v) => v.name === 'tls')?.secret?.secretName).toBe(cert.secretName);
  });
});
