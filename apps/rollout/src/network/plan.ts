/** One `ip` invocation, as argv after `ip`. */
export type IpCommand = readonly string[];

/** The names and addresses of one run's network: a bridge in the root namespace and a /24 behind it. */
export interface NetworkPlan {
  /** Distinguishes this run's links and namespaces from another run's (the harness's pid). */
  readonly runId: number;
  /** The first three octets of the /24, e.g. `10.77.42`. */
  readonly subnet: string;
  readonly bridge: string;
  /** The bridge's own address: where the harness (DNS server, load driver) is reached from the namespaces. */
  readonly gateway: string;
}

/** One host: a network namespace whose veth pair is plugged into the bridge. */
export interface HostPlan {
  readonly name: string;
  readonly namespace: string;
  /** The veth end in the root namespace (on the bridge). */
  readonly hostLink: string;
  /** The veth end inside the namespace. */
  readonly namespaceLink: string;
  readonly address: string;
}

/** Every namespace and link this harness creates starts with this. */
export const PREFIX = 'rro';

/** Link names are at most 15 characters; `rro` + pid (at most 7 digits) + a suffix of at most 5 fits. */
const MAX_LINK = 15;

/**
 * The third octet of a free 10.77.x.0/24: the first one, from one derived from the run id, that no route in
 * `routes` (the output of `ip -4 route`) uses, so concurrent runs do not share a subnet.
 */
export function pickSubnet(runId: number, routes: string): string {
  const used = new Set([...routes.matchAll(/\b10\.77\.(\d{1,3})\.\d{1,3}/g)].map((m) => Number(m[1])));
  for (let i = 0; i < 200; i += 1) {
    const octet = 20 + ((runId + i) % 200);
    if (!used.has(octet)) return `10.77.${octet}`;
  }
  throw new Error('no free 10.77.x.0/24 subnet');
}

/** The plan of a run's network. */
export function networkPlan(runId: number, subnet: string): NetworkPlan {
  const bridge = `${PREFIX}${runId}br`;
  if (bridge.length > MAX_LINK) throw new Error(`run id ${runId} too long for a link name`);
  return { runId, subnet, bridge, gateway: `${subnet}.1` };
}

/** Host number `index` (2..254) of the plan, named `name` (letters, digits and dashes). */
export function hostPlan(plan: NetworkPlan, index: number, name: string): HostPlan {
  if (!Number.isInteger(index) || index < 2 || index > 254) throw new Error(`host index ${index} out of 2..254`);
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`host name ${name} must be lowercase letters, digits and dashes`);
  return {
    name,
    namespace: `${PREFIX}-${plan.runId}-${name}`,
    hostLink: `${PREFIX}${plan.runId}h${index}`,
    namespaceLink: `${PREFIX}${plan.runId}n${index}`,
    address: `${plan.subnet}.${index}`,
  };
}

/** Creates the bridge with the gateway address. */
export function bridgeUp(plan: NetworkPlan): IpCommand[] {
  return [
    ['link', 'add', plan.bridge, 'type', 'bridge'],
    ['addr', 'add', `${plan.gateway}/24`, 'dev', plan.bridge],
    ['link', 'set', plan.bridge, 'up'],
  ];
}

/** Creates a host's namespace and veth pair, plugs it into the bridge and gives it its address. */
export function hostUp(plan: NetworkPlan, host: HostPlan): IpCommand[] {
  return [
    ['netns', 'add', host.namespace],
    ['link', 'add', host.hostLink, 'type', 'veth', 'peer', 'name', host.namespaceLink, 'netns', host.namespace],
    ['link', 'set', host.hostLink, 'master', plan.bridge],
    ['link', 'set', host.hostLink, 'up'],
    ['-n', host.namespace, 'link', 'set', 'lo', 'up'],
    ['-n', host.namespace, 'addr', 'add', `${host.address}/24`, 'dev', host.namespaceLink],
    ['-n', host.namespace, 'link', 'set', host.namespaceLink, 'up'],
  ];
}

/**
 * Removes a host: its veth pair first (deleting one end deletes both, at once), then the namespace. Deleting only the
 * namespace also removes the pair, but later, in the kernel's namespace clean-up, which a loaded machine delays: the
 * root end was still listed after `netns del` had returned.
 */
export function hostDown(host: HostPlan): IpCommand[] {
  return [
    ['link', 'del', host.hostLink],
    ['netns', 'del', host.namespace],
  ];
}

/** Removes the bridge. */
export function bridgeDown(plan: NetworkPlan): IpCommand[] {
  return [['link', 'del', plan.bridge]];
}

/**
 * What a run whose harness is gone left behind: namespaces (from `ip netns list`) and links (from `ip -o link
 * show`) with this harness's prefix whose run id is not a live process, as commands that remove them.
 */
export function staleCleanup(netnsList: string, linkList: string, isAlive: (pid: number) => boolean): IpCommand[] {
  const commands: IpCommand[] = [];
  for (const line of netnsList.split('\n')) {
    const m = /^(rro-(\d+)-[a-z0-9-]+)/.exec(line.trim());
    if (m?.[1] && !isAlive(Number(m[2]))) commands.push(['netns', 'del', m[1]]);
  }
  for (const line of linkList.split('\n')) {
    // "12: rro4242h10@if11: <...>" (veth ends carry @peer) or "13: rro4242br: <...>"
    const m = /^\d+:\s+(rro(\d+)(?:br|h\d+))[@:]/.exec(line.trim());
    if (m?.[1] && !isAlive(Number(m[2]))) commands.push(['link', 'del', m[1]]);
  }
  return commands;
}
