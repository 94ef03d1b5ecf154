import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object, as plain data. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

/**
 * Renders a kustomization folder with `kubectl kustomize` (offline: kubectl's built-in kustomize) and parses every
 * object.
 *
 * @throws Error naming the folder and kubectl's message when it cannot render, or when kubectl is missing.
 *
 * @example
 * ```ts
 * const objects = renderKustomization('deploy/kubernetes/overlays/spire');
 * ```
 */
export function renderKustomization(dir: string): KubeObject[] {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') {
      throw new Error('kubectl is not installed: the manifests are rendered with `kubectl kustomize` (kubectl 1.27 or later)', { cause: error });
    }
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr?.trim() ?? String(error)}`, { cause: error });
  }
  return parseManifests(text);
}

/**
 * Parses a multi-document YAML stream into objects; a document that is not an object with apiVersion, kind and
 * metadata.name is an error.
 */
export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message ?? ''}`);
      return doc.toJS() as unknown;
    })
    .filter((value) => value !== null)
    .map((value) => {
      const object = value as Partial<KubeObject>;
      if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') {
        throw new Error(`not a Kubernetes object: ${JSON.stringify(value).slice(0, 120)}`);
      }
      return object as KubeObject;
    });
}
