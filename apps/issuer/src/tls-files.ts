import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from '@rampart/core';
import { certificateKeyProblem } from '@rampart/pki';
import { parseTrustBundle } from './certificate-chain.js';

/** The issuer's TLS material, PEM text. */
export interface IssuerTls {
  /** The server certificate, optionally followed by its chain. */
  readonly cert: string;
  readonly key: string;
  /** The trust bundle client certificates must chain to. */
  readonly ca: string;
}

/** Where the issuer's TLS material lives, and how often to look for a replaced file. */
export interface IssuerTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** At least 100. */
  readonly refreshIntervalMs: number;
}

/**
 * What is wrong with `tls`, or undefined when the certificate parses, is within its validity period, matches the key,
 * and the trust bundle parses.
 *
 * @example
 * ```ts
 * tlsProblem({ cert, key: otherKey, ca }); // 'the private key does not match the certificate'
 * ```
 */
export function tlsProblem(tls: IssuerTls, now: Date = new Date()): string | undefined {
  const pair = certificateKeyProblem(tls.cert, tls.key, now.getTime());
  if (pair !== undefined) return pair;
  const validFrom = new Date(new X509Certificate(tls.cert).validFrom);
  if (validFrom > now) return `the certificate is not valid before ${validFrom.toISOString()}`;
  try {
    parseTrustBundle(tls.ca);
  } catch (error) {
    return `the trust bundle does not parse (${(error as Error).message})`;
  }
  return undefined;
}

/** Reads the three files. */
export async function readTlsFiles(files: Pick<IssuerTlsFiles, 'certFile' | 'keyFile' | 'caFile'>): Promise<IssuerTls> {
  const [cert, key, ca] = await Promise.all([files.certFile, files.keyFile, files.caFile].map((f) => readFile(f, 'utf8')));
  return { cert: cert as string, key: key as string, ca: ca as string };
}

/**
 * Re-reads the issuer's TLS files every `refreshIntervalMs` and hands a changed, usable set to `apply` (which swaps
 * the server's secure context: new connections get it, open ones keep theirs). A set that cannot be read or is not
 * usable (a certificate written before its key, say) is logged once and skipped; the previous one stays in use until a
 * usable set appears.
 *
 * @example
 * ```ts
 * const watcher = watchTlsFiles(files, initialTls, (tls) => server.setSecureContext(tls), logger);
 * watcher.stop();
 * ```
 */
export function watchTlsFiles(
  files: IssuerTlsFiles,
  initial: IssuerTls,
  apply: (tls: IssuerTls) => void,
  logger: Logger,
): { stop(): void } {
  let current = initial;
  let lastProblem: string | undefined;
  let busy = false;
  const same = (a: IssuerTls, b: IssuerTls): boolean => a.cert === b.cert && a.key === b.key && a.ca === b.ca;
  const report = (problem: string): void => {
    if (problem === lastProblem) return;
    lastProblem = problem;
    logger.error({ ...pathsOf(files), problem }, 'issuer TLS files unusable; keeping the previous certificate');
  };
  const check = async (): Promise<void> => {
    let next: IssuerTls;
    try {
      next = await readTlsFiles(files);
    } catch (error) {
      report(`cannot read them (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return;
    }
    if (same(next, current)) return;
    const problem = tlsProblem(next);
    if (problem !== undefined) {
      report(problem);
      return;
    }
    apply(next);
    current = next;
    lastProblem = undefined;
    logger.info({ ...pathsOf(files), notAfter: new Date(new X509Certificate(next.cert).validTo).toISOString() }, 'issuer TLS certificate reloaded');
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void check().finally(() => {
      busy = false;
    });
  }, Math.max(files.refreshIntervalMs, 100));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function pathsOf(files: IssuerTlsFiles): Record<string, string> {
  return { certFile: files.certFile, keyFile: files.keyFile, caFile: files.caFile };
}
