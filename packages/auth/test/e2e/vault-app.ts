import type { TestAppOptions, TestIssuer } from '@rampart/testing';
import { fileURLToPath } from 'node:url';
import { rampartAuth } from '../../src/index.js';

/** The test protos (the vault service). */
const protoRoot = fileURLToPath(new URL('../protos', import.meta.url));

/** What {@link vaultApp} takes: the issuer whose tokens the app accepts, and any app option to add or replace. */
export interface VaultAppOptions extends Partial<TestAppOptions> {
  /** Accept tokens from this issuer for audience `vault` (sets `values`; pass `values` yourself for anything else). */
  readonly issuer?: TestIssuer;
}

/**
 * The app most e2e specs start: named `vault`, serving `services` over real mTLS through `rampartAuth()`, with the
 * test protos; with an `issuer`, accepting its tokens for audience `vault`. Other options replace these.
 *
 * @example
 * ```ts
 * t = await startTestApp(vaultApp([TokenVault], { issuer, logger: logs.logger }));
 * ```
 */
export function vaultApp(services: TestAppOptions['services'], { issuer, ...options }: VaultAppOptions = {}): TestAppOptions {
  return {
    name: 'vault',
    services,
    protos: { root: protoRoot },
    plugins: [rampartAuth()],
    ...(issuer === undefined ? {} : { values: { auth: { tokens: { issuer: issuer.url, audience: 'vault' } } } }),
    ...options,
  };
}
