import { RampartError } from '@rampart/core';

/**
 * The files a workload's mTLS channel credentials are made of.
 *
 * @example
 * ```ts
 * const files: CredentialFiles = { certFile: 'orders.pem', keyFile: 'orders-key.pem', caFile: 'ca.pem' };
 * ```
 */
export interface CredentialFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

/**
 * The first load of a channel's files: `ready` resolves once the certificate and key (`identityReady`, a usable
 * pair) and the trust bundles (`bundlesReady`) were loaded, and rejects with the first failure, prefixed with
 * `mTLS channel credentials: ` (the watchers name the file and the problem). `stop()` rejects a `ready` that has not
 * settled yet. `ready` is marked handled, so a caller that never awaits it does not crash the process.
 *
 * @example
 * ```ts
 * const load = watchFirstLoad(identity.ready, bundles.ready);
 * await load.ready; // or: load.ready.catch(report)
 * load.stop();
 * ```
 */
export function watchFirstLoad(identityReady: Promise<unknown>, bundlesReady: Promise<unknown>): { readonly ready: Promise<void>; stop(): void } {
  let settled = false;
  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);
  const prefixed = (loaded: Promise<unknown>): Promise<unknown> =>
    loaded.catch((error: unknown) => {
      throw new RampartError('ERR_CONFIG_INVALID', `mTLS channel credentials: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  Promise.all([prefixed(identityReady), prefixed(bundlesReady)]).then(
    () => {
      settled = true;
      resolveReady();
    },
    (error: Error) => {
      settled = true;
      rejectReady(error);
    },
  );
  return {
    ready,
    stop() {
      if (settled) return;
      settled = true;
      rejectReady(new Error('mTLS channel credentials were closed before the certificate files were loaded'));
    },
  };
}
