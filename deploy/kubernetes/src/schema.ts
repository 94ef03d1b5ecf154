import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { KubeObject } from './render.js';

interface Validating {
  validate(): void;
}

/** The built-in kinds the manifests use, each validated against the Kubernetes OpenAPI schema (kubernetes-models). */
const BUILT_IN: Record<string, (data: never) => Validating> = {
  'v1/ConfigMap': (d) => new ConfigMap(d),
  'v1/Namespace': (d) => new Namespace(d),
  'v1/Secret': (d) => new Secret(d),
  'v1/Service': (d) => new Service(d),
  'v1/ServiceAccount': (d) => new ServiceAccount(d),
  'apps/v1/Deployment': (d) => new Deployment(d),
  'apps/v1/StatefulSet': (d) => new StatefulSet(d),
  'networking.k8s.io/v1/NetworkPolicy': (d) => new NetworkPolicy(d),
  'policy/v1/PodDisruptionBudget': (d) => new PodDisruptionBudget(d),
  'rbac.authorization.k8s.io/v1/ClusterRole': (d) => new ClusterRole(d),
  'rbac.authorization.k8s.io/v1/Role': (d) => new Role(d),
  'rbac.authorization.k8s.io/v1/RoleBinding': (d) => new RoleBinding(d),
};

/**
 * Custom resources of the certificate overlays (their CRDs are not in the Kubernetes schemas): the fields each must
 * have, as dotted paths.
 */
const CUSTOM: Record<string, readonly string[]> = {
  'cert-manager.io/v1/ClusterIssuer': ['spec'],
  'cert-manager.io/v1/Certificate': ['metadata.namespace', 'spec.secretName', 'spec.issuerRef.name'],
  'policy.cert-manager.io/v1alpha1/CertificateRequestPolicy': ['spec.selector.issuerRef', 'spec.allowed'],
  'trust.cert-manager.io/v1alpha1/Bundle': ['spec.sources', 'spec.target.configMap.key'],
  'spire.spiffe.io/v1alpha1/ClusterSPIFFEID': ['spec.spiffeIDTemplate', 'spec.podSelector'],
};

const at = (object: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);

/**
 * What is wrong with one object by schema: the validator's message for a built-in kind, the missing fields of a
 * known custom resource, or that its kind is unknown (never silently accepted).
 *
 * @example
 * ```ts
 * schemaProblems({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two' } });
 * // ['Deployment x: data/spec/replicas must be integer ...']
 * ```
 */
export function schemaProblems(object: KubeObject): string[] {
  const type = `${object.apiVersion}/${object.kind}`;
  const name = `${object.kind} ${object.metadata.name}`;
  const model = BUILT_IN[type];
  if (model) {
    try {
      model(object as never).validate();
      return [];
    } catch (error) {
      return [`${name}: ${error instanceof Error ? error.message : String(error)}`];
    }
  }
  const required = CUSTOM[type];
  if (!required) return [`${name}: no schema known for ${type}`];
  return required.filter((path) => at(object, path) === undefined).map((path) => `${name}: ${path} is required`);
}
