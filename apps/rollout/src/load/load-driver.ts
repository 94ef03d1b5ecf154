import type { ChannelCredentials } from '@grpc/grpc-js';
import { closeClient, createClient, type TokenClient, callError } from '@rampart/client';
import { statusName } from '@rampart/core';
import { PROTO_ROOT } from '@rampart/orders';
import { OrdersServiceDescriptor, type OrdersServiceClient } from '../generated/index.js';
import { SEED_ORDER_IDS } from '../replicas/seed-orders.js';
import { spiffeId } from '../rollout-pki.js';
import type { CallKind, CallRecord, Phase } from './call-record.js';

/** Settings of the load. */
export interface LoadSettings {
  /** grpc-js target of orders (a dns:// name). */
  readonly target: string;
  readonly credentials: ChannelCredentials;
  readonly tokens: TokenClient;
  /** Calls started per second, over all channels. */
  readonly rate: number;
  /** Client channels (each its own connections: a local subchannel pool). */
  readonly channels: number;
  /** Calls in flight past which a tick starts no call (counted as skipped). */
  readonly maxInFlight: number;
  readonly deadlineMs: number;
  /** Extra channel options (e.g. retries, once the client has them). */
  readonly channelOptions?: Readonly<Record<string, string | number>>;
}

/** The mix: per 8 calls, 3 PlaceOrder, 3 GetOrder, 1 ImportOrders and 1 TrackOrders. */
const MIX: readonly CallKind[] = ['PlaceOrder', 'GetOrder', 'PlaceOrder', 'TrackOrders', 'GetOrder', 'PlaceOrder', 'ImportOrders', 'GetOrder'];
const BATCH = 3;

const seed = (n: number): string => SEED_ORDER_IDS[n % SEED_ORDER_IDS.length] ?? 'ord-seed-01';

/**
 * An open-loop load through orders: `rate` calls a second, round-robin over the mix and over `channels` clients,
 * each call recorded with its phase, latency and final status. A call counts as failed unless it ends OK with the
 * whole answer (an import with every order accepted, a track stream with an answer per id).
 */
export class LoadDriver {
  readonly records: CallRecord[] = [];
  readonly #clients: OrdersServiceClient[];
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #n = 0;
  skipped = 0;
  phase: Phase = 'before';

  constructor(private readonly settings: LoadSettings) {
    this.#clients = Array.from({ length: settings.channels }, () =>
      createClient(OrdersServiceDescriptor, {
        address: settings.target,
        protoRoot: PROTO_ROOT,
        credentials: settings.credentials,
        defaultDeadlineMs: settings.deadlineMs,
        tokens: { source: settings.tokens, audience: spiffeId('orders') },
        loadBalancingPolicy: 'round_robin',
        channelOptions: {
          'grpc.use_local_subchannel_pool': 1,
          'grpc.keepalive_time_ms': 30_000,
          'grpc.keepalive_timeout_ms': 10_000,
          ...settings.channelOptions,
        },
      }),
    );
  }

  start(): void {
    const interval = 1_000 / this.settings.rate;
    const began = Date.now();
    const tick = (): void => {
      // Catch up on ticks a busy event loop delayed, so the rate holds.
      const due = Math.floor((Date.now() - began) / interval) + 1;
      while (this.#n < due) this.#fire();
      this.#timer = setTimeout(tick, Math.max(1, began + (this.#n) * interval - Date.now()));
    };
    tick();
  }

  /** Stops starting calls and waits for those in flight. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#inFlight]);
  }

  close(): void {
    for (const client of this.#clients) closeClient(client);
  }

  #fire(): void {
    const n = this.#n++;
    if (this.#inFlight.size >= this.settings.maxInFlight) {
      this.skipped += 1;
      return;
    }
    const kind = MIX[n % MIX.length] ?? 'GetOrder';
    const client = this.#clients[n % this.#clients.length] as OrdersServiceClient;
    const phase = this.phase;
    const startedAt = Date.now();
    const started = performance.now();
    const done = this.#call(kind, client, n).then(
      (wrong) => this.#record({ kind, phase, startedAt, latencyMs: performance.now() - started, status: wrong ? 'WRONG_ANSWER' : 'OK', ...(wrong ? { details: wrong } : {}) }),
      (error: unknown) => {
        const rpc = callError(error);
        this.#record({ kind, phase, startedAt, latencyMs: performance.now() - started, status: statusName(rpc.status), details: rpc.message });
      },
    );
    this.#inFlight.add(done);
    void done.finally(() => this.#inFlight.delete(done));
  }

  #record(record: CallRecord): void {
    this.records.push(record);
  }

  /** Makes one call; resolves with a description of what is missing from the answer, or undefined. */
  async #call(kind: CallKind, client: OrdersServiceClient, n: number): Promise<string | undefined> {
    switch (kind) {
      case 'PlaceOrder': {
        const order = await client.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: `load-${n}` });
        return order.status === 'RESERVED' ? undefined : `order ${order.orderId} is ${order.status}`;
      }
      case 'GetOrder': {
        const order = await client.getOrder({ orderId: seed(n) });
        return order.orderId === seed(n) ? undefined : `asked ${seed(n)}, got ${order.orderId}`;
      }
      case 'ImportOrders': {
        const items = Array.from({ length: BATCH }, (_, i) => ({ sku: 'SKU-BLUE-MUG', quantity: 1, customer: `import-${n}-${i}` }));
        const res = await client.importOrders(items);
        return res.accepted === BATCH ? undefined : `${res.accepted} of ${BATCH} accepted, ${res.rejected} rejected`;
      }
      case 'TrackOrders': {
        const ids = Array.from({ length: BATCH }, (_, i) => seed(n + i));
        const seen: string[] = [];
        for await (const order of client.trackOrders(ids.map((orderId) => ({ orderId })))) seen.push(order.orderId);
        return seen.join() === ids.join() ? undefined : `tracked ${seen.length} of ${ids.length}`;
      }
    }
  }
}
