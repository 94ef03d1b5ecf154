import { defineConfigSchema, definePlugin, RampartError, type ConfigOf, type RampartPlugin } from '@rampart/core';
import { DEFAULT_MAX_ORDERS, ORDER_REPOSITORY, type OrderRepository } from './order-repository.js';

/**
 * The orders app's own settings, under `orders.*`.
 *
 * @example
 * ```ts
 * // RAMPART_ORDERS_MAX_ORDERS=2000
 * createApp({ ...ordersAppOptions() }); // ordersAppOptions() lists ordersSettings()
 * ```
 */
export const ordersConfigSchema = defineConfigSchema({
  orders: {
    maxOrders: {
      doc: 'How many orders the in-memory repository keeps (the least recently used goes first). At least 1.',
      format: 'nat',
      default: DEFAULT_MAX_ORDERS,
      env: 'RAMPART_ORDERS_MAX_ORDERS',
    },
  },
});

/** The orders app's own config, `orders.*`. */
export type OrdersConfig = ConfigOf<typeof ordersConfigSchema>;

/**
 * Applies `orders.*` to the app's order repository at start-up; a limit of 0 stops start-up naming the fix.
 *
 * @example
 * ```ts
 * plugins: [rampartAuth(), ordersSettings()]
 * ```
 */
export function ordersSettings(): RampartPlugin<OrdersConfig> {
  return definePlugin({
    name: 'orders-settings',
    configSchema: ordersConfigSchema,
    register(ctx) {
      const maxOrders = ctx.config.get('orders.maxOrders');
      if (maxOrders < 1) {
        throw new RampartError('ERR_CONFIG_INVALID', `orders.maxOrders is ${maxOrders}: the repository needs room for 1 order at least. Fix: set RAMPART_ORDERS_MAX_ORDERS to 1 or more (default ${DEFAULT_MAX_ORDERS})`);
      }
      ctx.container.get<OrderRepository>(ORDER_REPOSITORY).limit(maxOrders);
    },
  });
}
