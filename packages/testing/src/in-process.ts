import type { MethodDescriptor } from '@rampart/core';
import type { InProcessCallOptions, InProcessOutcome, RampartApp } from '@rampart/server';
import { inProcessInvoker } from '@rampart/server/internal';

/** What an in-process call brings along: the connection's client certificate, metadata, a token, a deadline. */
export interface InProcessOptions extends InProcessCallOptions {
  /** Sent as `authorization: Bearer <token>` (over any `authorization` in `metadata`). */
  readonly token?: string;
}

/** An app called in process: see {@link inProcess}. */
export interface InProcessApp {
  /**
   * Calls `method` (a generated descriptor's method, e.g. `InventoryServiceDescriptor.methods.getStock`, or its
   * path) with `input`: the request, or an iterable of requests for client-stream and bidi methods. Resolves with
   * the status, details and response(s), also for a refused or failed call.
   */
  invoke<Res = unknown>(method: MethodDescriptor | string, input: unknown, options?: InProcessOptions): Promise<InProcessOutcome<Res>>;
}

/**
 * Calls an app's methods without sockets, for unit tests of handler logic: each call runs the app's planned
 * interceptors (the auth pipeline's stages and its audit) and then the handler, exactly as a call that came over
 * the network, and ends with the status and message a client would get. The app need not listen.
 *
 * NOT for security tests. Transport checks are simulated by what you give: there is no TLS and no mTLS handshake,
 * and `peerCertificate` is taken as a certificate TLS verified, so a certificate from a CA nobody trusts passes
 * here. Test mTLS rules, rogue CAs and token attacks through the real-TLS harness (`startTestApp`), which the
 * statuses here match for the same inputs.
 *
 * @example
 * ```ts
 * const app = await createApp({ ...inventoryAppOptions(), config: { values, env: {} }, handleSignals: false });
 * const inventory = inProcess(app);
 * const orders = await pki.clientCertificate('/orders');
 * const outcome = await inventory.invoke(InventoryServiceDescriptor.methods.getStock, { sku: 'A-1' }, {
 *   peerCertificate: orders.certPem,
 *   token: await issuer.mint({}, { scope: 'inventory:read' }),
 * });
 * expect(outcome).toMatchObject({ status: Status.OK, response: { sku: 'A-1' } });
 * ```
 */
export function inProcess(app: RampartApp): InProcessApp {
  const invoker = inProcessInvoker(app);
  return {
    invoke(method, input, options = {}) {
      const { token, ...call } = options;
      const metadata = token === undefined ? call.metadata : { ...call.metadata, authorization: `Bearer ${token}` };
      return invoker.invoke(typeof method === 'string' ? method : method.path, input, {
        ...call,
        ...(metadata !== undefined ? { metadata } : {}),
      });
    },
  };
}
