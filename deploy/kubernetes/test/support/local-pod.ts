// Runs a rendered Deployment's first container as a local process, the way its pod would run it: the container's
// env (values, ConfigMap and Secret references resolved), its volumes as folders under a root of its own (the
// mountPaths kept, so every file path in the env is rewritten to root + path), and each declared container port on a
// free local port (env values of *_PORT variables that name a container port follow). An image `rampart/<app>` runs
// its Dockerfile's exec-form ENTRYPOINT (Node flags included) in apps/<app>, with this Node; any other image runs its
// `command` (with kubelet's $(VAR) expansion), with `extraArgs` appended.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../src/index.js';

type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } };
};
export type Probe = {
  grpc?: { port: number };
  httpGet?: { scheme?: string; path: string; port: number | string };
  tcpSocket?: { port: number | string };
  periodSeconds?: number;
  failureThreshold?: number;
};
export type Container = {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
};
type Volume = {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[]; defaultMode?: number };
  configMap?: { name: string; items?: { key: string; path: string }[]; defaultMode?: number };
};
export type PodTemplate = { containers: Container[]; volumes?: Volume[]; terminationGracePeriodSeconds?: number };

/** What a cluster operator creates (Secrets) and what the test gives in place of the cluster's certificate source. */
export interface PodInputs {
  readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** ConfigMaps a controller makes in the cluster (trust-manager's bundle), by name. */
  readonly configMaps: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly repoRoot: string;
  readonly root: string;
}

export const podTemplateOf = (objects: readonly KubeObject[], name: string): PodTemplate => {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (!deployment) throw new Error(`no Deployment ${name} in the rendered overlay`);
  return (deployment['spec'] as { template: { spec: PodTemplate } }).template.spec;
};

const configMapData = (objects: readonly KubeObject[], inputs: PodInputs, name: string): Readonly<Record<string, string>> => {
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  const data = map ? (map['data'] as Record<string, string>) : inputs.configMaps[name];
  if (!data) throw new Error(`the pod refers to ConfigMap ${name}, which neither the overlay nor a controller makes`);
  return data;
};

/** One container of a rendered pod, laid out locally and ready to start. */
export class LocalPod {
  readonly container: Container;
  readonly pod: PodTemplate;
  /** container port → local port */
  readonly ports = new Map<number, number>();
  readonly env: Record<string, string> = {};
  readonly output: string[] = [];
  #child: ChildProcess | undefined;
  #exit: Promise<{ code: number | null; signal: string | null }> | undefined;

  constructor(
    readonly name: string,
    private readonly objects: readonly KubeObject[],
    private readonly inputs: PodInputs,
    freePorts: readonly number[],
  ) {
    this.pod = podTemplateOf(objects, name);
    this.container = this.pod.containers[0]!;
    (this.container.ports ?? []).forEach((p, i) => this.ports.set(p.containerPort, freePorts[i]!));
    for (const variable of this.container.env ?? []) this.env[variable.name] = this.#valueOf(variable);
  }

  /** The local folder standing for an absolute path inside the container. */
  local(containerPath: string): string {
    return join(this.inputs.root, this.name, containerPath);
  }

  /** The local port standing for a container port (a number or a port name). */
  portOf(port: number | string): number {
    const number = typeof port === 'number' ? port : this.container.ports?.find((p) => p.name === port)?.containerPort;
    const local = number === undefined ? undefined : this.ports.get(number);
    if (local === undefined) throw new Error(`${this.name}: port ${port} is not a declared containerPort`);
    return local;
  }

  #valueOf(variable: EnvVar): string {
    const ref = variable.valueFrom;
    let value: string | undefined = variable.value;
    if (ref?.configMapKeyRef) value = configMapData(this.objects, this.inputs, ref.configMapKeyRef.name)[ref.configMapKeyRef.key];
    if (ref?.secretKeyRef) value = this.inputs.secrets[ref.secretKeyRef.name]?.[ref.secretKeyRef.key];
    if (value === undefined) throw new Error(`${this.name}: env ${variable.name} has no value (missing Secret or ConfigMap key)`);
    const mount = (this.container.volumeMounts ?? []).find((m) => value.startsWith(`${m.mountPath}/`));
    if (mount) return this.local(value);
    // A Unix socket address (SPIFFE_ENDPOINT_SOCKET) under a mount: its path is rewritten the same way.
    const socket = /^unix:\/\/(\/.*)$/.exec(value)?.[1];
    if (socket !== undefined && (this.container.volumeMounts ?? []).some((m) => socket.startsWith(`${m.mountPath}/`))) return `unix://${this.local(socket)}`;
    if (/_PORT$/.test(variable.name) && this.ports.has(Number(value))) return String(this.ports.get(Number(value)));
    return value;
  }

  /** Creates a folder per mount and fills Secret and ConfigMap volumes the way the kubelet projects them. */
  layOutVolumes(): void {
    for (const mount of this.container.volumeMounts ?? []) {
      const dir = this.local(mount.mountPath);
      mkdirSync(dir, { recursive: true });
      const volume = this.pod.volumes?.find((v) => v.name === mount.name);
      const source = volume?.secret
        ? { data: this.inputs.secrets[volume.secret.secretName], ...volume.secret, what: `Secret ${volume.secret.secretName}` }
        : volume?.configMap
          ? { data: configMapData(this.objects, this.inputs, volume.configMap.name), ...volume.configMap, what: `ConfigMap ${volume.configMap.name}` }
          : undefined;
      if (!source) continue;
      if (!source.data) throw new Error(`${this.name}: volume ${mount.name} needs ${source.what}, which the operator did not create`);
      const items = source.items ?? Object.keys(source.data).map((key) => ({ key, path: key }));
      for (const { key, path } of items) {
        const content = source.data[key];
        if (content === undefined) throw new Error(`${this.name}: ${source.what} has no key ${key}`);
        writeFileSync(join(dir, path), content);
        chmodSync(join(dir, path), source.defaultMode ?? 0o644);
      }
    }
  }

  /** Starts the container's process with exactly its env (and PATH). */
  start(extraArgs: readonly string[] = []): void {
    const image = this.container.image.replace(/:[^/]*$/, '');
    const app = /^rampart\/([a-z-]+)$/.exec(image)?.[1];
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...this.env };
    const expand = (arg: string): string => arg.replace(/\$\(([A-Z0-9_]+)\)/g, (_, name: string) => env[name as keyof typeof env] ?? '');
    const [file, ...args] = app
      ? imageEntrypoint(join(this.inputs.repoRoot, 'apps', app, 'Dockerfile'))
      : [...(this.container.command ?? []).map(expand), ...extraArgs];
    if (!file) throw new Error(`${this.name}: image ${image} has no command to run here`);
    this.#child = spawn(file, args, { cwd: app ? join(this.inputs.repoRoot, 'apps', app) : this.local('/'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout?.on('data', (c: Buffer) => this.output.push(c.toString()));
    this.#child.stderr?.on('data', (c: Buffer) => this.output.push(c.toString()));
    const child = this.#child;
    this.#exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get exited(): Promise<{ code: number | null; signal: string | null }> {
    if (!this.#exit) throw new Error(`${this.name} was not started`);
    return this.#exit;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** What the kubelet does on deletion: SIGTERM, then SIGKILL after terminationGracePeriodSeconds. */
  terminate(): { killedAfterMs: number } {
    const graceMs = (this.pod.terminationGracePeriodSeconds ?? 30) * 1000;
    const child = this.#child;
    if (child && this.running) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      void this.exited.then(() => clearTimeout(timer));
    }
    return { killedAfterMs: graceMs };
  }

  /** Stops the process whatever state it is in (cleanup). */
  kill(): void {
    if (this.running) this.#child?.kill('SIGKILL');
  }
}

/** The exec-form ENTRYPOINT of a Dockerfile whose image runs Node, with this process's Node in place of `node`. */
function imageEntrypoint(dockerfile: string): string[] {
  const line = readFileSync(dockerfile, 'utf8').split('\n').filter((l) => l.startsWith('ENTRYPOINT ')).at(-1);
  const entry: unknown = line === undefined ? undefined : JSON.parse(line.slice('ENTRYPOINT '.length));
  if (!Array.isArray(entry) || entry[0] !== 'node') throw new Error(`${dockerfile}: no exec-form ENTRYPOINT starting node`);
  return [process.execPath, ...(entry.slice(1) as string[])];
}
