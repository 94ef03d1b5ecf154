import type { CallKind, ServicePlan } from './plan.js';

const CALLS: Readonly<Record<CallKind, (options: string) => string>> = {
  unary: (o) => `c.getItem({ id: 'example' }${o})`,
  'server-stream': (o) => `collect(c.listItems({}${o}))`,
  'client-stream': (o) => `c.importItems([{ id: 'x', name: 'X' }]${o})`,
  bidi: (o) => `collect(c.syncItems([{ id: 'x', name: 'X' }]${o}))`,
};

const CASES: Readonly<Record<CallKind, string>> = {
  unary: `  it('answers GetItem (unary), and NOT_FOUND for an unknown id', async () => {
    expect(await client.getItem({ id: 'example' }, withBearer(token))).toEqual(EXAMPLE_ITEM);
    await expect(client.getItem({ id: 'nope' }, withBearer(token))).rejects.toMatchObject({ status: Status.NOT_FOUND });
  });`,
  'server-stream': `  it('streams ListItems (server streaming)', async () => {
    const items = await collect(client.listItems({ limit: 1 }, withBearer(token)));
    expect(items).toHaveLength(1);
  });`,
  'client-stream': `  it('imports a stream of items (client streaming)', async () => {
    const res = await client.importItems(
      [
        { id: 'a', name: 'A' },
        { id: 'b', name: 'B' },
      ],
      withBearer(token),
    );
    expect(res).toEqual({ imported: 2 });
  });`,
  bidi: `  it('answers each item as stored (bidirectional streaming)', async () => {
    const answers = await collect(client.syncItems([{ id: 'c', name: 'C' }], withBearer(token)));
    expect(answers).toEqual([{ id: 'c', name: 'C', updatedBy: 'alice' }]);
  });`,
};

/**
 * `test/<name>.spec.ts`: starts the app through `@rampart/testing` (TLS with an ephemeral CA, a `TestIssuer` for
 * tokens), calls every example RPC as a workload with a valid token, and checks that a call without a token, one
 * without a client certificate and one without the scope are refused.
 *
 * @example
 * ```ts
 * files.push({ path: `test/${plan.name}.spec.ts`, content: testTemplate(plan) });
 * ```
 */
export function testTemplate(plan: ServicePlan): string {
  const first = plan.kinds[0] as CallKind;
  const streams = plan.kinds.some((k) => k === 'server-stream' || k === 'bidi');
  const client = `${plan.serviceName}Client`;
  const collect = streams
    ? `
async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of stream) all.push(item);
  return all;
}
`
    : '';
  const needsExample = plan.kinds.includes('unary');
  return `import { Status, type ClientCallOptions } from '@rampart/core';
import { startTestApp, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ${plan.camel}AppOptions } from '../src/app.js';
import { ${plan.serviceName}Descriptor, type ${client} } from '../src/generated/index.js';
import { READ_SCOPE, WRITE_SCOPE } from '../src/${plan.name}-service.js';
${needsExample ? "import { EXAMPLE_ITEM } from '../src/item-store.js';\n" : ''}
/** The audience of this service's tokens: its SPIFFE ID. */
const AUDIENCE = '${plan.spiffeId}';
/** The workload the tests call as. */
const CALLER = 'spiffe://${plan.trustDomain}/demo-client';

let t: TestApp;
let issuer: TestIssuer;
let client: ${client};
let token: string;
${collect}
/** One call of the first example RPC, for the checks of what is refused. */
const call = (c: ${client}, options?: ClientCallOptions) => ${CALLS[first](', options')};

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: AUDIENCE });
  t = await startTestApp({ ...${plan.camel}AppOptions(), trustDomain: '${plan.trustDomain}', values: { auth: { tokens: { issuer: issuer.url, audience: AUDIENCE } } } });
  client = await t.client(${plan.serviceName}Descriptor, { as: CALLER });
  token = await issuer.mint({ sub: 'alice' }, { scope: \`\${READ_SCOPE} \${WRITE_SCOPE}\` });
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});

describe('${plan.name} service', () => {
  it('refuses a call without a token', async () => {
    await expect(call(client)).rejects.toMatchObject({ status: Status.UNAUTHENTICATED });
  });

  it('refuses a caller without a client certificate, even with a valid token', async () => {
    const anonymous = await t.client(${plan.serviceName}Descriptor);
    await expect(call(anonymous, withBearer(token))).rejects.toMatchObject({ status: Status.UNAUTHENTICATED });
  });

  it('refuses a token without the scope the method needs', async () => {
    const other = await issuer.mint({ sub: 'alice' }, { scope: 'other:read' });
    await expect(call(client, withBearer(other))).rejects.toMatchObject({ status: Status.PERMISSION_DENIED });
  });

${plan.kinds.map((k) => CASES[k]).join('\n\n')}
});
`;
}
