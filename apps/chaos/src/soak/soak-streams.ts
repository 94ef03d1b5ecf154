import type { ChannelCredentials } from '@grpc/grpc-js';
import { closeClient, createClient, type TokenClient, callError } from '@rampart/client';
import { statusName } from '@rampart/core';
import { PROTO_ROOT } from '@rampart/orders';
import { OrdersServiceDescriptor, SEED_ORDER_IDS, spiffeId, type OrdersServiceClient } from '@rampart/rollout';
import { setMaxListeners } from 'node:events';
import type { ChaosRecord } from '../report/chaos-record.js';

/** Settings of the long-lived streams. */
export interface SoakStreamSettings {
  readonly target: string;
  readonly credentials: ChannelCredentials;
  readonly tokens: TokenClient;
  readonly streams: number;
  /** Each stream sends one order id this often. */
  readonly messageEveryMs: number;
  /** A stream is ended by its client (and opened again) after this long: less than a token lives. */
  readonly lifetimeMs: number;
  readonly channels: number;
  readonly record: (record: ChaosRecord) => void;
  readonly fault: () => string;
}

/** Waits `ms`, or less when `signal` aborts; its abort listener goes with it (hundreds of streams wait on one signal). */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Hundreds of long-lived TrackOrders streams: each sends an order id every few seconds and must get each one back;
 * its client ends it before its token would expire and opens another at once, as a well-behaved watcher does. A
 * stream counts as one valid call: OK only when it ended OK with an answer for every id it sent.
 */
export class SoakStreams {
  readonly #clients: OrdersServiceClient[];
  readonly #stop = new AbortController();
  readonly #running: Promise<void>[] = [];

  constructor(private readonly settings: SoakStreamSettings) {
    // Every stream waits on the one stop signal: hundreds of listeners at once, each removed when its wait ends.
    setMaxListeners(settings.streams * 2 + 10, this.#stop.signal);
    this.#clients = Array.from({ length: settings.channels }, () =>
      createClient(OrdersServiceDescriptor, {
        address: settings.target,
        protoRoot: PROTO_ROOT,
        credentials: settings.credentials,
        tokens: { source: settings.tokens, audience: spiffeId('orders') },
        loadBalancingPolicy: 'round_robin',
        channelOptions: { 'grpc.use_local_subchannel_pool': 1, 'grpc.dns_min_time_between_resolutions_ms': 1_000 },
      }),
    );
  }

  start(): void {
    for (let i = 0; i < this.settings.streams; i += 1) this.#running.push(this.#loop(i));
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.all(this.#running);
    for (const c of this.#clients) closeClient(c);
  }

  async #loop(i: number): Promise<void> {
    const client = this.#clients[i % this.#clients.length] as OrdersServiceClient;
    // Spread the openings over the first message interval.
    await pause((i * this.settings.messageEveryMs) / this.settings.streams, this.#stop.signal);
    while (!this.#stop.signal.aborted) await this.#stream(client, i);
  }

  async #stream(client: OrdersServiceClient, i: number): Promise<void> {
    const { messageEveryMs, lifetimeMs } = this.settings;
    const signal = this.#stop.signal;
    const fault = this.settings.fault();
    const startedAt = Date.now();
    const started = performance.now();
    const ends = startedAt + lifetimeMs * (0.75 + 0.25 * Math.random());
    const sent: string[] = [];
    async function* ids(): AsyncGenerator<{ orderId: string }> {
      while (Date.now() < ends && !signal.aborted) {
        const orderId = SEED_ORDER_IDS[(i + sent.length) % SEED_ORDER_IDS.length] ?? 'ord-seed-01';
        sent.push(orderId);
        yield { orderId };
        await pause(messageEveryMs, signal);
      }
    }
    let status = 'OK';
    let details: string | undefined;
    const seen: string[] = [];
    try {
      for await (const order of client.trackOrders(ids(), { deadline: lifetimeMs + 60_000 })) seen.push(order.orderId);
      if (seen.join() !== sent.join()) [status, details] = ['WRONG_ANSWER', `answered ${seen.length} of ${sent.length}`];
    } catch (error) {
      const rpc = callError(error);
      [status, details] = [statusName(rpc.status), rpc.message];
    }
    this.settings.record({ caller: 'valid', kind: 'TrackOrders (long-lived)', fault, startedAt, latencyMs: performance.now() - started, status, ...(details ? { details } : {}) });
    if (status !== 'OK') await pause(1_000, signal);
  }
}
