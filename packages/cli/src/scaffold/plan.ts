import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../io.js';
import { protoPackage, serviceNames, trustDomain, type ServiceNames } from '../names.js';
import { PLACEHOLDER_TRUST_DOMAIN, type ScaffoldSettings } from './scaffold-settings.js';

/** The four gRPC call kinds, as `--kinds` spells them. */
export const CALL_KINDS = ['unary', 'server-stream', 'client-stream', 'bidi'] as const;

/**
 * One gRPC call kind.
 *
 * @example
 * ```ts
 * const kind: CallKind = 'server-stream';
 * ```
 */
export type CallKind = (typeof CALL_KINDS)[number];

/**
 * The example RPC scaffolded for one call kind.
 *
 * @example
 * ```ts
 * EXAMPLE_RPCS.unary.rpc; // 'GetItem'
 * ```
 */
export interface ExampleRpc {
  readonly rpc: string;
  readonly method: string;
  readonly request: string;
  readonly response: string;
  readonly clientStream: boolean;
  readonly serverStream: boolean;
  /** Which of the service's scopes it needs. */
  readonly access: 'read' | 'write';
  readonly comment: string;
}

/** The example RPC of each call kind: a small item store, read with unary and server streaming, written with the others. */
export const EXAMPLE_RPCS: Readonly<Record<CallKind, ExampleRpc>> = {
  unary: { rpc: 'GetItem', method: 'getItem', request: 'GetItemRequest', response: 'Item', clientStream: false, serverStream: false, access: 'read', comment: 'Looks up one item (unary).' },
  'server-stream': { rpc: 'ListItems', method: 'listItems', request: 'ListItemsRequest', response: 'Item', clientStream: false, serverStream: true, access: 'read', comment: 'Streams the stored items (server streaming).' },
  'client-stream': { rpc: 'ImportItems', method: 'importItems', request: 'Item', response: 'ImportItemsResponse', clientStream: true, serverStream: false, access: 'write', comment: 'Stores a stream of items and answers how many (client streaming).' },
  bidi: { rpc: 'SyncItems', method: 'syncItems', request: 'Item', response: 'Item', clientStream: true, serverStream: true, access: 'write', comment: 'Stores each item as it arrives and answers it as stored (bidirectional streaming).' },
};

/**
 * Everything the templates of `rampart new service` need.
 *
 * @example
 * ```ts
 * const plan = planService({ name: 'payments' }, '/srv/my-repo');
 * plan.protoFile; // 'payments/v1/payments.proto' (no flag, no workspace setting)
 * ```
 */
export interface ServicePlan extends ServiceNames {
  readonly mode: 'monorepo' | 'standalone';
  /** Where the project root is: the workspace root, or the standalone folder. */
  readonly root: string;
  /** The app's folder (`<root>/apps/<name>`, or the standalone folder itself). */
  readonly appDir: string;
  /** The proto root (`<root>/proto`). */
  readonly protoRoot: string;
  /** The proto package, e.g. `acme.shop.payments.v1`. */
  readonly protoPackage: string;
  /** The proto file, relative to the proto root. */
  readonly protoFile: string;
  /** `PaymentsService`. */
  readonly serviceName: string;
  /** `acme.shop.payments.v1.PaymentsService`. */
  readonly typeName: string;
  readonly trustDomain: string;
  /**
   * What came from neither a flag nor a workspace setting: the proto package derived from the name (`<name>.v1`) and
   * the placeholder trust domain (`example.org`). The command says so, and how to set them.
   */
  readonly defaulted: readonly ('protoPackage' | 'trustDomain')[];
  /** `spiffe://<trust domain>/<name>`: the workload's ID and its tokens' audience. */
  readonly spiffeId: string;
  readonly kinds: readonly CallKind[];
  readonly scopes: { readonly read: string; readonly write: string };
  /** The port in `config/dev.json`, derived from the name so two services rarely collide. */
  readonly devPort: number;
  /** The npm package name: `@rampart/<name>` in the monorepo, `<name>` standalone. */
  readonly packageName: string;
  /**
   * The workspace package the proto root is (its `package.json` name, e.g. `@rampart/protos`), when it is one: the
   * app then depends on it and imports its `PROTO_ROOT`, so the protos travel with a deployed app.
   */
  readonly protosModule?: string;
}

/**
 * Parses `--kinds` (comma-separated, default all, each at most once).
 *
 * @throws UsageError for an unknown or repeated kind, or an empty list.
 *
 * @example
 * ```ts
 * parseKinds('unary,bidi'); // ['unary', 'bidi']
 * ```
 */
export function parseKinds(value: string | undefined): CallKind[] {
  if (value === undefined) return [...CALL_KINDS];
  const kinds = value.split(',').map((k) => k.trim()).filter((k) => k !== '');
  if (kinds.length === 0) throw new UsageError('--kinds is empty: list at least one of unary, server-stream, client-stream, bidi', 'new');
  for (const kind of kinds) {
    if (!(CALL_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`unknown call kind ${JSON.stringify(kind)} in --kinds: use ${CALL_KINDS.join(', ')}`, 'new');
    }
  }
  if (new Set(kinds).size !== kinds.length) throw new UsageError('--kinds lists a kind twice', 'new');
  return CALL_KINDS.filter((k) => kinds.includes(k));
}

/**
 * Validates the options of `rampart new service` and derives the plan. The proto package and trust domain come from
 * the flags, else from the workspace's settings (`rampart.config.json`), else `<name>.v1` and `example.org`.
 *
 * @throws UsageError for an invalid name, package, trust domain or kinds.
 *
 * @example
 * ```ts
 * planService({ name: 'payments', kinds: 'unary', settings: { protoPackagePrefix: 'acme.shop' } }, '/srv/my-repo').typeName;
 * // 'acme.shop.payments.v1.PaymentsService'
 * ```
 */
export function planService(
  options: {
    readonly name: string;
    readonly package?: string;
    readonly trustDomain?: string;
    readonly kinds?: string;
    readonly standalone?: boolean;
    readonly settings?: ScaffoldSettings;
  },
  root: string,
): ServicePlan {
  const names = serviceNames(options.name);
  const settings = options.settings ?? {};
  const prefix = settings.protoPackagePrefix;
  const pkg = protoPackage(options.package ?? (prefix !== undefined ? `${prefix}.${names.snake}.v1` : `${names.snake}.v1`));
  const domain = trustDomain(options.trustDomain ?? settings.trustDomain ?? PLACEHOLDER_TRUST_DOMAIN);
  const defaulted = [
    ...(options.package === undefined && prefix === undefined ? (['protoPackage'] as const) : []),
    ...(options.trustDomain === undefined && settings.trustDomain === undefined ? (['trustDomain'] as const) : []),
  ];
  const kinds = parseKinds(options.kinds);
  const standalone = options.standalone === true;
  const serviceName = `${names.pascal}Service`;
  let hash = 0;
  for (const char of names.name) hash = (hash * 31 + char.charCodeAt(0)) % 10_007;
  return {
    ...names,
    mode: standalone ? 'standalone' : 'monorepo',
    root,
    appDir: standalone ? root : join(root, 'apps', names.name),
    protoRoot: join(root, 'proto'),
    protoPackage: pkg,
    protoFile: `${pkg.split('.').join('/')}/${names.snake}.proto`,
    serviceName,
    typeName: `${pkg}.${serviceName}`,
    trustDomain: domain,
    defaulted,
    spiffeId: `spiffe://${domain}/${names.name}`,
    kinds,
    scopes: { read: `${names.name}:read`, write: `${names.name}:write` },
    devPort: 50_100 + (hash % 800),
    packageName: standalone ? names.name : `@rampart/${names.name}`,
    ...(standalone ? {} : protosModuleOf(join(root, 'proto'))),
  };
}

/** `{ protosModule }` when the proto root is a workspace package with a name, else nothing. */
function protosModuleOf(protoRoot: string): { protosModule?: string } {
  const manifest = join(protoRoot, 'package.json');
  if (!existsSync(manifest)) return {};
  const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
  return typeof name === 'string' && name !== '' ? { protosModule: name } : {};
}

/**
 * The example RPCs of a plan, in proto order.
 *
 * @example
 * ```ts
 * rpcsOf(plan).map((r) => r.rpc); // ['GetItem', 'ListItems', ...]
 * ```
 */
export function rpcsOf(plan: ServicePlan): ExampleRpc[] {
  return plan.kinds.map((kind) => EXAMPLE_RPCS[kind]);
}

/**
 * The access level the class-level `@Authenticated` asks for: read when any read RPC exists, else write.
 *
 * @example
 * ```ts
 * classAccess(plan); // 'read'
 * ```
 */
export function classAccess(plan: ServicePlan): 'read' | 'write' {
  return rpcsOf(plan).some((r) => r.access === 'read') ? 'read' : 'write';
}
