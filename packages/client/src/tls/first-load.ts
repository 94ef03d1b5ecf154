import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { IdentityCertificateListener, IdentitySource } from '@rampart/pki';

type IdentityUpdate = Parameters<IdentityCertificateListener>[0];

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
 * Subscribes to the identity half of a certificate provider and reports the first load of everything: `ready`
 * resolves once the certificate and key were read and are usable and `bundlesReady` (the trust bundles' first load)
 * resolved, and rejects with an error naming the file that is missing, unreadable or unusable. The subscription
 * stays until `stop()`, so the provider keeps re-reading the files and a new connection always gets the latest
 * ones. `stop()` rejects a `ready` that has not settled yet. `ready` is marked handled, so a caller that never awaits
 * it does not crash the process.
 *
 * @example
 * ```ts
 * const load = watchFirstLoad(identityProvider, bundles.ready, files);
 * await load.ready; // or: load.ready.catch(report)
 * load.stop();
 * ```
 */
export function watchFirstLoad(
  provider: IdentitySource,
  bundlesReady: Promise<unknown>,
  files: CredentialFiles,
): { readonly ready: Promise<void>; stop(): void } {
  let identity: IdentityUpdate | undefined;
  let settled = false;
  let stopped = false;
  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);

  const onIdentity = (update: IdentityUpdate): void => {
    if (settled || identity !== undefined) return;
    identity = update;
    settled = true;
    const bundles = bundlesReady.catch((error: unknown) => {
      throw new Error(`mTLS channel credentials: ${messageOf(error)}`, { cause: error });
    });
    Promise.all([checkIdentity(update, files), bundles]).then(() => resolveReady(), rejectReady);
  };
  provider.addIdentityCertificateListener(onIdentity);

  return {
    ready,
    stop() {
      if (stopped) return;
      stopped = true;
      provider.removeIdentityCertificateListener(onIdentity);
      if (!settled) {
        settled = true;
        rejectReady(new Error('mTLS channel credentials were closed before the certificate files were loaded'));
      }
    },
  };
}

async function checkIdentity(identity: IdentityUpdate, files: CredentialFiles): Promise<void> {
  if (identity === null) {
    throw new Error(`mTLS channel credentials: ${await unreadableFiles(files)}`);
  }
  try {
    createSecureContext({ cert: identity.certificate, key: identity.privateKey });
  } catch (error) {
    throw new Error(
      `mTLS channel credentials: certFile ${files.certFile} and keyFile ${files.keyFile} are not a usable ` +
        `certificate and private key: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** Reads the files again to name the ones that fail (the provider does not say which). */
async function unreadableFiles(files: CredentialFiles): Promise<string> {
  const suspects: [string, string][] = [
    ['certFile', files.certFile],
    ['keyFile', files.keyFile],
  ];
  const problems: string[] = [];
  for (const [option, path] of suspects) {
    try {
      await readFile(path);
    } catch (error) {
      problems.push(`cannot read ${option} ${path}: ${messageOf(error)}`);
    }
  }
  if (problems.length > 0) return problems.join('; ');
  const names = suspects.map(([option, path]) => `${option} ${path}`).join(', ');
  return `could not read ${names} (they may have been replaced while being read)`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
