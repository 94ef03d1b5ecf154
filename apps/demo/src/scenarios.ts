import { RpcError } from '@rampart/client';
import { statusName } from '@rampart/core';
import type { InventoryServiceClient } from './generated/index.js';
import type { Row } from './table.js';

/** The callers the demo plays. */
export interface Callers {
  /** A workload with a certificate from the demo CA. */
  readonly trusted: InventoryServiceClient;
  /** A client that speaks TLS but presents no certificate. */
  readonly anonymous: InventoryServiceClient;
}

/** A scripted call and the status it must end with. */
interface Scenario {
  readonly name: string;
  readonly expected: string;
  readonly caller: keyof Callers;
  run(inventory: InventoryServiceClient): Promise<string>;
}

const scenarios: Scenario[] = [
  {
    name: 'unary GetStock',
    expected: 'OK',
    caller: 'trusted',
    run: async (c) => {
      const level = await c.getStock({ sku: 'SKU-RED-MUG' }, { deadline: 5_000 });
      return `${level.sku}: ${level.available} available`;
    },
  },
  {
    name: 'unary Reserve',
    caller: 'trusted',
    expected: 'OK',
    run: async (c) => {
      const res = await c.reserve({ sku: 'SKU-RED-MUG', quantity: 2, orderId: 'demo-1' }, { deadline: 5_000 });
      return `reserved, ${res.remaining} left`;
    },
  },
  {
    name: 'server stream WatchStock',
    caller: 'trusted',
    expected: 'OK',
    run: async (c) => {
      const seen: number[] = [];
      const watching = (async () => {
        for await (const level of c.watchStock({ sku: 'SKU-TEAPOT', maxUpdates: 2 }, { deadline: 5_000 })) {
          seen.push(level.available);
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await c.reserve({ sku: 'SKU-TEAPOT', quantity: 1, orderId: 'demo-2' }, { deadline: 5_000 });
      await watching;
      return `levels ${seen.join(' -> ')}`;
    },
  },
  {
    name: 'client stream AdjustStock',
    caller: 'trusted',
    expected: 'OK',
    run: async (c) => {
      const res = await c.adjustStock(
        [
          { sku: 'SKU-BLUE-MUG', delta: 5 },
          { sku: 'SKU-TEAPOT', delta: 2 },
        ],
        { deadline: 5_000 },
      );
      return `${res.adjustments} adjustments`;
    },
  },
  {
    name: 'bidi CheckStock',
    caller: 'trusted',
    expected: 'OK',
    run: async (c) => {
      const out: string[] = [];
      for await (const level of c.checkStock([{ sku: 'SKU-RED-MUG' }, { sku: 'SKU-BLUE-MUG' }], { deadline: 5_000 })) {
        out.push(`${level.sku}=${level.available}`);
      }
      return out.join(', ');
    },
  },
  {
    name: 'unknown SKU',
    caller: 'trusted',
    expected: 'NOT_FOUND',
    run: async (c) => {
      await c.getStock({ sku: 'SKU-NOPE' }, { deadline: 5_000 });
      return 'answered';
    },
  },
  {
    name: 'no client certificate',
    expected: 'UNAUTHENTICATED',
    caller: 'anonymous',
    run: async (c) => {
      await c.getStock({ sku: 'SKU-RED-MUG' }, { deadline: 5_000 });
      return 'answered';
    },
  },
];

/** Runs every scenario against the inventory service. */
export async function runScenarios(callers: Callers): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    try {
      const detail = await scenario.run(callers[scenario.caller]);
      rows.push({ scenario: scenario.name, expected: scenario.expected, actual: 'OK', detail });
    } catch (error) {
      const rpc = RpcError.from(error);
      rows.push({ scenario: scenario.name, expected: scenario.expected, actual: statusName(rpc.code), detail: rpc.details });
    }
  }
  return rows;
}
