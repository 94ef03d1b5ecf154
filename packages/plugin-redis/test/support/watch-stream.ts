import { RampartError } from '@rampart/core';
import { withBearer } from '@rampart/testing';
import type { LedgerServiceClient } from '../generated/index.js';

/** How an open watch stream ended: when, with which error (none: it finished with OK), after how many messages. */
export interface StreamEnd {
  readonly at: number;
  readonly error: RampartError | undefined;
  readonly received: number;
}

/** A `watch` stream the test keeps open. */
export interface OpenWatch {
  /** Resolves at the first message (the stream was allowed and runs); rejects if it ended before. */
  readonly first: Promise<void>;
  readonly ended: Promise<StreamEnd>;
  received(): number;
  cancel(): void;
}

/** Opens `ledger.watch` with `token` and reads it in the background until it ends. */
export function openWatch(ledger: LedgerServiceClient, token: string): OpenWatch {
  const controller = new AbortController();
  let received = 0;
  let started: () => void = () => undefined;
  const firstMessage = new Promise<void>((resolve) => (started = resolve));
  const ended = (async (): Promise<StreamEnd> => {
    try {
      for await (const _reply of ledger.watch({ account: 'acc' }, withBearer(token, { signal: controller.signal }))) {
        received += 1;
        if (received === 1) started();
      }
      return { at: Date.now(), error: undefined, received };
    } catch (error) {
      if (!(error instanceof RampartError)) throw error;
      return { at: Date.now(), error, received };
    }
  })();
  const first = Promise.race([
    firstMessage,
    ended.then((end) => {
      throw new Error(`the stream ended before its first message: ${end.error?.message ?? 'OK'}`);
    }),
  ]);
  return { first, ended, received: () => received, cancel: () => controller.abort() };
}
