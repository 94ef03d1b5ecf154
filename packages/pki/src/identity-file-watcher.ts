import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { certificateKeyProblem } from './certificate-pem.js';
import type { IdentityCertificateListener, IdentitySource } from './certificate-sources.js';
import { SerialReads, type ReloadOutcome } from './serial-reads.js';
import { messageOf } from './message-of.js';

/**
 * A certificate and key pair in use, with what a log line needs to tell them apart.
 *
 * @example
 * ```ts
 * const identity: WatchedIdentity = await watcher.ready;
 * logger.info({ serialNumber: identity.serialNumber, notAfter: identity.notAfter }, 'certificate loaded');
 * ```
 */
export interface WatchedIdentity {
  /** The certificate file's content: the leaf, optionally followed by its chain (PEM). */
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  /** The leaf's serial number, upper-case hex. */
  readonly serialNumber: string;
  /** The leaf's SHA-256 fingerprint (`AB:CD:…`). */
  readonly fingerprint256: string;
  /** The end of the leaf's validity, ISO 8601. */
  readonly notAfter: string;
}

/**
 * Options of {@link watchIdentityFiles}.
 *
 * @example
 * ```ts
 * const options: IdentityWatchOptions = { certFile: 'tls.crt', keyFile: 'tls.key', refreshIntervalMs: 30_000 };
 * ```
 */
export interface IdentityWatchOptions {
  /** The certificate (PEM, leaf first, optionally followed by intermediates). */
  readonly certFile: string;
  /** Its private key (PEM). */
  readonly keyFile: string;
  /** How often both files are read again, in milliseconds (at least 100). */
  readonly refreshIntervalMs: number;
  /** What the two files are called in problems: the option or setting names. Default `certFile`, `keyFile`. */
  readonly names?: { readonly certFile?: string; readonly keyFile?: string } | undefined;
  /** A read that found the files unreadable or unusable after the first load. Reported once per distinct problem. */
  readonly onProblem?: ((problem: string) => void) | undefined;
  /** A read after the first that put a new certificate and key in use (also the first usable one after `ready` rejected). */
  readonly onReload?: ((identity: WatchedIdentity) => void) | undefined;
}

/**
 * The workload's certificate and key, read from files and re-read every `refreshIntervalMs` (and on
 * {@link IdentityFileWatcher.reload}), as the identity half of a grpc-js certificate provider. Unlike grpc-js's
 * `FileWatcherCertificateProvider`, which hands TLS whatever it read, a pair is handed on only when both files read,
 * the key matches the certificate, the certificate is within its validity period and TLS accepts the whole file. A
 * rotation that writes the files in place one after the other (the certificate, a pause, then the key: what
 * spiffe-helper does), or a file read half written, leaves the last good pair in use, reports the problem once, and
 * the new pair is taken at the first read that finds it complete.
 *
 * @example
 * ```ts
 * const identity = watchIdentityFiles({ certFile, keyFile, refreshIntervalMs: 30_000, onProblem: (p) => logger.error(p) });
 * await identity.ready;
 * const provider = combineCertificateSources(identity, bundleWatcher);
 * process.on('SIGHUP', () => void identity.reload());
 * identity.close();
 * ```
 */
export class IdentityFileWatcher implements IdentitySource {
  /** The first read: resolves with a usable pair, rejects naming the file and the problem. Never an unhandled rejection. */
  readonly ready: Promise<WatchedIdentity>;
  #current: WatchedIdentity | undefined;
  #lastProblem: string | undefined;
  #firstRead = true;
  readonly #listeners = new Set<IdentityCertificateListener>();
  readonly #reads = new SerialReads();
  readonly #timer: NodeJS.Timeout;
  readonly #names: { readonly certFile: string; readonly keyFile: string };

  constructor(private readonly options: IdentityWatchOptions) {
    this.#names = { certFile: options.names?.certFile ?? 'certFile', keyFile: options.names?.keyFile ?? 'keyFile' };
    this.ready = this.#reads.run(() => this.#read()).then((outcome) => {
      if (this.#current === undefined) throw new Error(outcome.problem ?? 'not loaded');
      return this.#current;
    });
    this.ready.catch(() => undefined);
    this.#timer = setInterval(() => {
      if (!this.#reads.busy) void this.#reads.run(() => this.#read());
    }, Math.max(options.refreshIntervalMs, 100));
    this.#timer.unref();
  }

  /** The pair in use; undefined until a read found a usable one. */
  get current(): WatchedIdentity | undefined {
    return this.#current;
  }

  addIdentityCertificateListener(listener: IdentityCertificateListener): void {
    this.#listeners.add(listener);
    const current = this.#current;
    if (current === undefined) return;
    // On the next tick, with what is in use then (an update may have come first), unless removed meanwhile.
    process.nextTick(() => {
      const now = this.#current;
      if (now !== undefined && this.#listeners.has(listener)) {
        this.#handOn('the certificate', () => listener({ certificate: now.certificate, privateKey: now.privateKey }));
      }
    });
  }

  removeIdentityCertificateListener(listener: IdentityCertificateListener): void {
    this.#listeners.delete(listener);
  }

  /**
   * Reads both files now (after a read under way, if any) and puts a changed, usable pair in use, as a timer's read
   * would; for a helper that signals after writing (SIGHUP). Never rejects.
   */
  reload(): Promise<ReloadOutcome> {
    return this.#reads.run(() => this.#read());
  }

  /** Stops re-reading the files. Idempotent. */
  close(): void {
    clearInterval(this.#timer);
  }

  async #read(): Promise<ReloadOutcome> {
    const read = await this.#readPair();
    const first = this.#firstRead;
    this.#firstRead = false;
    if (typeof read === 'string') return this.#refuse(read, first);
    this.#lastProblem = undefined;
    const { certificate, privateKey } = read;
    const current = this.#current;
    if (current !== undefined && current.certificate.equals(certificate) && current.privateKey.equals(privateKey)) {
      return { result: 'unchanged' };
    }
    const leaf = new X509Certificate(certificate);
    const next: WatchedIdentity = {
      certificate,
      privateKey,
      serialNumber: leaf.serialNumber.toUpperCase(),
      fingerprint256: leaf.fingerprint256,
      notAfter: new Date(leaf.validTo).toISOString(),
    };
    this.#current = next;
    for (const listener of this.#listeners) this.#handOn('the new certificate', () => listener({ certificate, privateKey }));
    if (!first) this.#handOn('the new certificate', () => this.options.onReload?.(next)); // also the first usable pair after `ready` rejected
    return { result: 'changed' };
  }

  /**
   * Runs a listener (grpc-js making its secure context) or onReload: one that throws must not stop the others, nor
   * reject a read (a timer's read would be an unhandled rejection).
   */
  #handOn(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.options.onProblem?.(`${what} could not be handed on: ${messageOf(error)}`);
    }
  }

  /** Both files, when they read and make a usable pair; otherwise what is wrong, naming the files. */
  async #readPair(): Promise<{ certificate: Buffer; privateKey: Buffer } | string> {
    const { certFile, keyFile } = this.options;
    const names = this.#names;
    const attempt = (name: string, file: string): Promise<Buffer | string> =>
      readFile(file).catch((error: unknown) => `cannot read ${name} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    const [certificate, privateKey] = await Promise.all([attempt(names.certFile, certFile), attempt(names.keyFile, keyFile)]);
    if (typeof certificate === 'string' || typeof privateKey === 'string') {
      return [certificate, privateKey].filter((read) => typeof read === 'string').join('; ');
    }
    const problem = certificateKeyProblem(certificate, privateKey);
    if (problem === undefined) return { certificate, privateKey };
    return `${names.certFile} ${certFile} and ${names.keyFile} ${keyFile} are not a usable certificate and private key: ${problem}`;
  }

  #refuse(problem: string, first: boolean): ReloadOutcome {
    // The first read's problem is ready's rejection; later ones go to onProblem, once each.
    if (problem !== this.#lastProblem && !first) this.options.onProblem?.(problem);
    this.#lastProblem = problem;
    return { result: 'refused', problem };
  }
}

/**
 * Starts watching a certificate and key file pair (see {@link IdentityFileWatcher}).
 *
 * @example
 * ```ts
 * const identity = watchIdentityFiles({ certFile: '/run/spire/tls.crt', keyFile: '/run/spire/tls.key', refreshIntervalMs: 30_000 });
 * ```
 */
export function watchIdentityFiles(options: IdentityWatchOptions): IdentityFileWatcher {
  return new IdentityFileWatcher(options);
}
