import type { experimental } from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

type CertificateProvider = experimental.CertificateProvider;
type CaUpdate = experimental.CaCertificateUpdate | null;
type IdentityUpdate = experimental.IdentityCertificateUpdate | null;

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
 * Subscribes to a certificate provider and reports its first load: `ready` resolves once the certificate,
 * key and trust bundle were read and are usable, and rejects with an error naming the file that is missing,
 * unreadable or unusable. The subscription stays until `stop()`, so the provider keeps re-reading the files
 * and a new connection always gets the latest ones. `stop()` rejects a `ready` that has not settled yet.
 * `ready` is marked handled, so a caller that never awaits it does not crash the process.
 *
 * @example
 * ```ts
 * const load = watchFirstLoad(provider, files);
 * await load.ready; // or: load.ready.catch(report)
 * load.stop();
 * ```
 */
export function watchFirstLoad(
  provider: CertificateProvider,
  files: CredentialFiles,
): { readonly ready: Promise<void>; stop(): void } {
  let identity: IdentityUpdate | undefined;
  let ca: CaUpdate | undefined;
  let settled = false;
  let stopped = false;
  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);

  const settleWhenBothLoaded = (): void => {
    if (settled || identity === undefined || ca === undefined) return;
    settled = true;
    checkFirstLoad(identity, ca, files).then(resolveReady, rejectReady);
  };
  const onIdentity = (update: IdentityUpdate): void => {
    if (identity === undefined) identity = update;
    settleWhenBothLoaded();
  };
  const onCa = (update: CaUpdate): void => {
    if (ca === undefined) ca = update;
    settleWhenBothLoaded();
  };
  provider.addIdentityCertificateListener(onIdentity);
  provider.addCaCertificateListener(onCa);

  return {
    ready,
    stop() {
      if (stopped) return;
      stopped = true;
      provider.removeIdentityCertificateListener(onIdentity);
      provider.removeCaCertificateListener(onCa);
      if (!settled) {
        settled = true;
        rejectReady(new Error('mTLS channel credentials were closed before the certificate files were loaded'));
      }
    },
  };
}

async function checkFirstLoad(identity: IdentityUpdate, ca: CaUpdate, files: CredentialFiles): Promise<void> {
  if (identity === null || ca === null) {
    throw new Error(`mTLS channel credentials: ${await unreadableFiles(files, identity === null, ca === null)}`);
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
  try {
    // createSecureContext silently accepts a CA file without any certificate; X509Certificate does not.
    new X509Certificate(ca.caCertificate);
    createSecureContext({ ca: ca.caCertificate });
  } catch (error) {
    throw new Error(`mTLS channel credentials: caFile ${files.caFile} holds no usable PEM certificate: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/** Reads the files again to name the ones that fail (the provider does not say which). */
async function unreadableFiles(files: CredentialFiles, identityFailed: boolean, caFailed: boolean): Promise<string> {
  const suspects: [string, string][] = [
    ...(identityFailed ? ([['certFile', files.certFile], ['keyFile', files.keyFile]] as [string, string][]) : []),
    ...(caFailed ? ([['caFile', files.caFile]] as [string, string][]) : []),
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
