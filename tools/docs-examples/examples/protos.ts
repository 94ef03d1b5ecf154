/**
 * Where the examples' `.proto` files are: the repository's `proto/` folder (the sample system's `@rampart/protos`
 * package). In a reader's project this is their own folder of `.proto` files.
 *
 * @example
 * ```ts
 * createApp({ name: 'inventory', services: [InventoryService], protos: { root: PROTO_ROOT } });
 * ```
 */
export { PROTO_ROOT } from '@rampart/protos';
