// What the cluster would give the pods, made locally: the operator's Secrets as docs/guides/deploy-kubernetes.md
// creates them, and certificate files where the overlay's certificate source (CSI driver, spiffe-helper) would
// write them.
import { loadSigningKeys } from '@rampart/issuer';
import { createCa, issueCertificate } from '@rampart/pki';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../src/index.js';
import type { LocalPod } from './local-pod.js';

/** `count` distinct free TCP ports (all held open until every one is known). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * The two Secrets of the guide's step 3: rampart-issuer-keys (keys.json as the issuer makes it on first start) and
 * rampart-redis (a password, and the URL the services use). The URL names `redisAddress` where the guide names the
 * Service (redis.rampart.svc.cluster.local:6379): here there is no cluster DNS.
 */
export async function operatorSecrets(workDir: string, redisAddress: string): Promise<Record<string, Record<string, string>>> {
  const keysFile = join(workDir, 'issuer-first-start', 'keys.json');
  await loadSigningKeys(keysFile);
  const password = randomBytes(24).toString('hex');
  return {
    'rampart-issuer-keys': { 'keys.json': readFileSync(keysFile, 'utf8') },
    'rampart-redis': { password, url: `redis://:${password}@${redisAddress}` },
  };
}

/** A CA standing for the cluster's certificate source (cert-manager's issuer, or SPIRE's). */
export type ClusterCa = Awaited<ReturnType<typeof createCa>>;
export const clusterCa = (): Promise<ClusterCa> => createCa({ commonName: 'demo.rampart.dev test CA' });

/**
 * What controllers make from the overlay's custom resources: trust-manager a ConfigMap per Bundle (named like it,
 * the CA under its target key), cert-manager a Secret per Certificate (tls.crt, tls.key, ca.crt).
 */
export async function controllerMade(
  objects: readonly KubeObject[],
  ca: ClusterCa,
): Promise<{ configMaps: Record<string, Record<string, string>>; secrets: Record<string, Record<string, string>> }> {
  const configMaps: Record<string, Record<string, string>> = {};
  const secrets: Record<string, Record<string, string>> = {};
  for (const object of objects) {
    if (object.kind === 'Bundle' && object.apiVersion.startsWith('trust.cert-manager.io/')) {
      const key = (object['spec'] as { target: { configMap?: { key: string } } }).target.configMap?.key;
      if (key) configMaps[object.metadata.name] = { [key]: ca.certPem };
    }
    if (object.kind === 'Certificate' && object.apiVersion.startsWith('cert-manager.io/')) {
      const spec = object['spec'] as { secretName: string; uris?: string[]; dnsNames?: string[]; isCA?: boolean };
      if (spec.isCA) continue;
      const issued = await issueCertificate(ca, { spiffeId: spec.uris?.[0], dnsNames: spec.dnsNames });
      secrets[spec.secretName] = { 'tls.crt': issued.chainPem, 'tls.key': issued.keyPem, 'ca.crt': ca.certPem };
    }
  }
  return { configMaps, secrets };
}

/**
 * Writes every certificate, key and CA file the container's env names (RAMPART_*_CERT_FILE / _KEY_FILE / _CA_FILE)
 * that its volumes did not already provide: what the CSI driver or spiffe-helper writes into the pod. The SVID
 * carries spiffe://demo.rampart.dev/<pod name> and the pod's Service name.
 */
export async function writeSvid(pod: LocalPod, ca: ClusterCa): Promise<string[]> {
  const written: string[] = [];
  const write = (path: string, content: string, mode: number): void => {
    if (existsSync(path)) return;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode });
    written.push(path);
  };
  for (const [name, path] of Object.entries(pod.env)) {
    if (name.endsWith('_CA_FILE')) write(path, ca.certPem, 0o644);
    const prefix = /^(.*)_CERT_FILE$/.exec(name)?.[1];
    const keyPath = prefix === undefined ? undefined : pod.env[`${prefix}_KEY_FILE`];
    if (keyPath === undefined || existsSync(path)) continue;
    const svid = await issueCertificate(ca, {
      spiffeId: `spiffe://demo.rampart.dev/${pod.name}`,
      dnsNames: [`${pod.name}.rampart.svc.cluster.local`],
    });
    write(path, svid.chainPem, 0o644);
    write(keyPath, svid.keyPem, 0o600);
  }
  return written;
}

/** A fingerprint of every file under the container's read-only mounts, to show nothing wrote there. */
export function readOnlyMountsDigest(pod: LocalPod): Record<string, string> {
  const digest: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isSocket()) digest[path] = 'socket'; // the Workload API agent's: present, not read
      else digest[path] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  for (const mount of pod.container.volumeMounts ?? []) if (mount.readOnly) walk(pod.local(mount.mountPath));
  return digest;
}
