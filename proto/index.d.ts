/**
 * The folder the sample system's `.proto` files (and their imports) are relative to: this package's own, so the
 * protos travel with every app that depends on `@rampart/protos` (a `pnpm deploy` folder included).
 *
 * @example
 * ```ts
 * createApp({ protos: { root: PROTO_ROOT }, ... });
 * ```
 */
export declare const PROTO_ROOT: string;
