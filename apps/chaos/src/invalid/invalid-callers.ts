import { credentials as grpcCredentials, type ChannelCredentials } from '@grpc/grpc-js';
import { closeClient, createClient, type TokenClient, callError } from '@rampart/client';
import { statusName } from '@rampart/core';
import { PROTO_ROOT } from '@rampart/orders';
import { OrdersServiceDescriptor, ReplayProbeDescriptor, ROLLOUT_PROTO_ROOT, SEED_ORDER_IDS, spiffeId, type OrdersServiceClient } from '@rampart/rollout';
import type { ChaosRecord } from '../report/chaos-record.js';
import { expiredLike, forgedLike } from './forged-tokens.js';
import { OneTimeToken } from './one-time-token.js';

/** The attacks, one per tick in turn; each must end with anything but OK. */
export const INVALID_KINDS = ['no-token', 'expired-token', 'forged-signature', 'wrong-audience', 'foreign-certificate', 'replayed-token'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

/** What the invalid callers use. */
export interface InvalidCallerSettings {
  /** dns:// targets of orders and inventory. */
  readonly ordersTarget: string;
  readonly inventoryTarget: string;
  /** The load client's own mTLS credentials (a trusted certificate), checking orders' and inventory's SPIFFE IDs. */
  readonly ordersCredentials: ChannelCredentials;
  readonly inventoryCredentials: ChannelCredentials;
  /** The load client's certificate as a CA nobody trusts issued it; `caPem` reads the real bundle (to trust the servers). */
  readonly foreign: { chainPem: string; keyPem: string; caPem: () => Buffer };
  readonly tokens: TokenClient;
  /** A new token client (its own cache): one-time tokens must be fresh. Closed after use. */
  readonly freshTokens: () => TokenClient;
  readonly keysFile: () => string;
  /** Calls started per second. */
  readonly rate: number;
  readonly record: (record: ChaosRecord) => void;
  readonly fault: () => string;
}

/**
 * A stream of invalid callers beside the valid load: no token, an expired token signed with the issuer's real key,
 * a forged signature, a token for another audience, a certificate from a foreign CA, and a one-time token presented
 * a second time (the first use is a valid call). Every attempt is recorded; one that ends OK is an accepted attack.
 */
export class InvalidCallers {
  readonly #orders: OrdersServiceClient;
  #timer: NodeJS.Timeout | undefined;
  #n = 0;
  readonly #inFlight = new Set<Promise<void>>();
  /** The last genuine orders token: the model of forged ones while the issuer is away. */
  #template: string | undefined;
  /** Attempts that could not be made (no token to start from). */
  skipped = 0;

  constructor(private readonly settings: InvalidCallerSettings) {
    const common = { defaultDeadlineMs: 5_000, loadBalancingPolicy: 'round_robin' as const, channelOptions: { 'grpc.dns_min_time_between_resolutions_ms': 1_000 } };
    this.#orders = createClient(OrdersServiceDescriptor, { address: settings.ordersTarget, protoRoot: PROTO_ROOT, credentials: settings.ordersCredentials, ...common });
  }

  /** A client with the foreign certificate, on a new connection each time: the server must refuse it at every handshake. */
  #foreignOrders(): OrdersServiceClient {
    const { foreign } = this.settings;
    const credentials = grpcCredentials.createSsl(foreign.caPem(), Buffer.from(foreign.keyPem), Buffer.from(foreign.chainPem), {
      // It trusts the real servers (it only wants to be let in): the refusal must come from the server.
      checkServerIdentity: () => undefined,
    });
    return createClient(OrdersServiceDescriptor, { address: this.settings.ordersTarget, protoRoot: PROTO_ROOT, credentials, defaultDeadlineMs: 5_000, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
  }

  start(): void {
    const tick = (): void => {
      this.#fire();
      this.#timer = setTimeout(tick, 1_000 / this.settings.rate);
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    await Promise.all([...this.#inFlight]);
  }

  close(): void {
    closeClient(this.#orders);
  }

  #fire(): void {
    const kind = INVALID_KINDS[this.#n++ % INVALID_KINDS.length] ?? 'no-token';
    const done = this.#attempt(kind).catch(() => {
      this.skipped += 1;
    });
    this.#inFlight.add(done);
    void done.finally(() => this.#inFlight.delete(done));
  }

  /** Runs `call` and records it; `valid` marks the first use of a one-time token (part of the valid load). */
  async #timed(kind: string, valid: boolean, call: () => Promise<unknown>): Promise<boolean> {
    const fault = this.settings.fault();
    const startedAt = Date.now();
    const started = performance.now();
    let status = 'OK';
    let details: string | undefined;
    try {
      await call();
    } catch (error) {
      const rpc = callError(error);
      status = statusName(rpc.status);
      details = rpc.message;
    }
    this.settings.record({ caller: valid ? 'valid' : 'invalid', kind, fault, startedAt, latencyMs: performance.now() - started, status, ...(details ? { details } : {}) });
    return status === 'OK';
  }

  async #attempt(kind: InvalidKind): Promise<void> {
    const orderId = SEED_ORDER_IDS[this.#n % SEED_ORDER_IDS.length] ?? 'ord-seed-01';
    const bearer = (token: string) => ({ metadata: { authorization: `Bearer ${token}` } });
    const genuine = async (): Promise<string> => {
      try {
        this.#template = await this.settings.tokens.token(spiffeId('orders'));
      } catch (error) {
        if (this.#template === undefined) throw error;
      }
      return this.#template;
    };
    switch (kind) {
      case 'no-token':
        await this.#timed(kind, false, () => this.#orders.getOrder({ orderId }));
        return;
      case 'expired-token': {
        const token = await expiredLike(await genuine(), this.settings.keysFile(), 120);
        await this.#timed(kind, false, () => this.#orders.getOrder({ orderId }, bearer(token)));
        return;
      }
      case 'forged-signature': {
        const token = await forgedLike(await genuine());
        await this.#timed(kind, false, () => this.#orders.getOrder({ orderId }, bearer(token)));
        return;
      }
      case 'wrong-audience': {
        const token = await this.settings.tokens.token(spiffeId('inventory'));
        await this.#timed(kind, false, () => this.#orders.getOrder({ orderId }, bearer(token)));
        return;
      }
      case 'foreign-certificate': {
        const token = await genuine();
        const client = this.#foreignOrders();
        try {
          await this.#timed(kind, false, () => client.getOrder({ orderId }, bearer(token)));
        } finally {
          closeClient(client);
        }
        return;
      }
      case 'replayed-token': {
        // A fresh one-time token: its first use is valid (counted with the valid load), the second must be refused.
        // The client gets it from its token source, so it is bound to the certificate of the connection it goes on.
        const source = new OneTimeToken(this.settings.freshTokens);
        const probe = createClient(ReplayProbeDescriptor, {
          address: this.settings.inventoryTarget,
          protoRoot: ROLLOUT_PROTO_ROOT,
          credentials: this.settings.inventoryCredentials,
          tokens: { source, audience: spiffeId('inventory') },
          // As the valid load's: the wait for a fresh token counts against it.
          defaultDeadlineMs: 10_000,
          loadBalancingPolicy: 'round_robin',
        });
        try {
          const first = await this.#timed('Redeem', true, () => probe.redeem({}));
          if (first) await this.#timed(kind, false, () => probe.redeem({}));
        } finally {
          closeClient(probe);
          await source.close();
        }
        return;
      }
    }
  }
}
