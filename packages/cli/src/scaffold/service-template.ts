import { classAccess, rpcsOf, type ExampleRpc, type ServicePlan } from './plan.js';

const HANDLERS: Readonly<Record<string, string>> = {
  getItem: `  getItem(req: GetItemRequest__Output): Promise<Item> {
    return Promise.resolve(this.items.get(req.id));
  }`,
  listItems: `  async *listItems(req: ListItemsRequest__Output, ctx: CallContext): AsyncIterable<Item> {
    const items = await this.items.list();
    for (const item of req.limit > 0 ? items.slice(0, req.limit) : items) {
      if (ctx.signal.aborted) return;
      yield item;
    }
  }`,
  importItems: `  async importItems(items: AsyncIterable<Item__Output>, ctx: CallContext): Promise<ImportItemsResponse> {
    let imported = 0;
    for await (const item of items) {
      this.items.put(item, subjectOf(ctx));
      imported += 1;
    }
    ctx.logger.info({ imported }, 'items imported');
    return { imported };
  }`,
  syncItems: `  async *syncItems(items: AsyncIterable<Item__Output>, ctx: CallContext): AsyncIterable<Item> {
    for await (const item of items) yield this.items.put(item, subjectOf(ctx));
  }`,
};

const TYPES: Readonly<Record<string, readonly string[]>> = {
  getItem: ['GetItemRequest__Output', 'Item'],
  listItems: ['ListItemsRequest__Output', 'Item'],
  importItems: ['ImportItemsResponse', 'Item__Output'],
  syncItems: ['Item', 'Item__Output'],
};

function handler(plan: ServicePlan, rpc: ExampleRpc, classLevel: 'read' | 'write'): string {
  const body = HANDLERS[rpc.method] as string;
  if (rpc.access === classLevel) return body;
  const scope = rpc.access === 'read' ? 'READ_SCOPE' : 'WRITE_SCOPE';
  return `  @Authenticated({ scopes: [${scope}] })\n${body}`;
}

/**
 * `src/<name>-service.ts`: the decorated service class. Every method needs a workload certificate from the trust
 * bundle (`@RequireMtls()`) and a token for the service's audience with its read or write scope (`@Authenticated`).
 *
 * @example
 * ```ts
 * files.push({ path: `src/${plan.name}-service.ts`, content: serviceTemplate(plan) });
 * ```
 */
export function serviceTemplate(plan: ServicePlan): string {
  const rpcs = rpcsOf(plan);
  const classLevel = classAccess(plan);
  const types = [...new Set(rpcs.flatMap((r) => TYPES[r.method] ?? []))];
  const needsCtx = rpcs.some((r) => r.method !== 'getItem');
  const writes = rpcs.some((r) => r.access === 'write');
  const imports = [`${plan.serviceName}Descriptor`, ...[...types].sort((a, b) => a.localeCompare(b)).map((t) => `type ${t}`)];
  const helper = writes
    ? `\n/** Who is calling: the verified token's subject. */\nfunction subjectOf(ctx: CallContext): string {\n  return ctx.principal?.subject ?? 'unknown';\n}\n`
    : '';
  return `import { Authenticated, RequireMtls } from '@rampart/auth';
import { GrpcService${needsCtx ? ', type CallContext' : ''} } from '@rampart/core';
import { inject } from 'inversify';
import {
${imports.map((t) => `  ${t},`).join('\n')}
} from './generated/index.js';
import { ITEM_STORE, type ItemStore } from './item-store.js';

/** The scope a token needs to read items. */
export const READ_SCOPE = '${plan.scopes.read}';
/** The scope a token needs to store items. */
export const WRITE_SCOPE = '${plan.scopes.write}';
${helper}
/**
 * The ${plan.name} service. Every method needs a client certificate from the trust bundle (any SPIFFE ID; list the
 * allowed callers with \`@RequireMtls({ allow: [...] })\`) and a token for this service's audience (\`auth.tokens.audience\`)
 * with the method's scope. A method without an auth decision would stop the app at start-up. \`@GrpcService\` binds
 * the class to \`${plan.typeName}\` by its generated descriptor: a missing or mistyped handler does not compile.
 */
@GrpcService(${plan.serviceName}Descriptor)
@RequireMtls()
@Authenticated({ scopes: [${classLevel === 'read' ? 'READ_SCOPE' : 'WRITE_SCOPE'}] })
export class ${plan.serviceName} {
  constructor(@inject(ITEM_STORE) private readonly items: ItemStore) {}

${rpcs.map((r) => handler(plan, r, classLevel)).join('\n\n')}
}
`;
}

/**
 * `src/item-store.ts`: the in-memory store behind the example RPCs, bound in the app's container.
 *
 * @example
 * ```ts
 * files.push({ path: 'src/item-store.ts', content: itemStoreTemplate(plan) });
 * ```
 */
export function itemStoreTemplate(plan: ServicePlan): string {
  return `import { RampartError } from '@rampart/core';
import type { Item__Output } from './generated/index.js';

/** DI token of the item store. */
export const ITEM_STORE = Symbol.for('rampart.${plan.name}.ItemStore');

/** The item every new store starts with. */
export const EXAMPLE_ITEM: Item__Output = { id: 'example', name: 'An example item', updatedBy: 'seed' };

/** The ${plan.name} service's items, in memory: replace it with your own storage. */
export class ItemStore {
  readonly #items = new Map<string, Item__Output>();

  constructor(seed: readonly Item__Output[] = [EXAMPLE_ITEM]) {
    for (const item of seed) this.#items.set(item.id, item);
  }

  /** The item with this id; NOT_FOUND when there is none. */
  get(id: string): Item__Output {
    const item = this.#items.get(id);
    if (item === undefined) throw new RampartError('ERR_NOT_FOUND', \`no item \${JSON.stringify(id)}\`);
    return item;
  }

  /** Every item, in insertion order; asynchronous, as a database query would be. */
  list(): Promise<Item__Output[]> {
    return Promise.resolve([...this.#items.values()]);
  }

  /** Stores an item as written by \`updatedBy\`; INVALID_ARGUMENT without an id. */
  put(item: Item__Output, updatedBy: string): Item__Output {
    if (item.id === '') throw new RampartError('ERR_INVALID_ARGUMENT', 'an item needs an id');
    const stored = { id: item.id, name: item.name, updatedBy };
    this.#items.set(stored.id, stored);
    return stored;
  }
}
`;
}
