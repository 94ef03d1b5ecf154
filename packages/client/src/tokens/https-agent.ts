import { readFileSync, statSync } from 'node:fs';
import { certificateKeyProblem, parseTrustBundle } from '@rampart/pki/internal';
import { Agent, type Dispatcher } from 'undici';
import type { ClientIdentity } from '../tls/channel-identity.js';

/** The workload certificate files the token client authenticates with (RFC 8705 `tls_client_auth`). */
export interface ClientTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Trust bundle for the issuer's server certificate. */
  readonly caFile: string;
}

/**
 * Where a token client's requests go out: HTTPS agents presenting the workload's certificate (mutual TLS with the
 * issuer) and trusting the issuer's CA. {@link RotatingTlsAgent} reads them from files; `InMemoryTlsAgents` takes them
 * from a source held in memory (the SPIFFE Workload API).
 *
 * @example
 * ```ts
 * const agents: TokenTlsAgents = new RotatingTlsAgent({ certFile, keyFile, caFile });
 * await fetch(url, { dispatcher: agents.current() });
 * ```
 */
export interface TokenTlsAgents {
  /** The agent for the certificate and trust bundle in use now. */
  current(): Dispatcher;
  /** An agent presenting exactly `identity` (a token bound to that certificate goes out on it). */
  forIdentity(identity: ClientIdentity): Dispatcher;
  close(): Promise<void>;
}

/**
 * An undici Agent presenting the workload's certificate, rebuilt when any of the files changes (certificates
 * rotate), so the next token request uses the current certificate and the token is bound to it. Once it has an
 * agent, changed files are taken only as a matching, usable certificate and key: a rotation that writes the
 * certificate, then the key, in place (spiffe-helper), or a file read half written (the trust bundle too), keeps the previous agent
 * (`onProblem` is told once per problem) and the files are looked at again at the next request.
 */
export class RotatingTlsAgent implements TokenTlsAgents {
  #agent: Agent | undefined;
  #stamp = '';
  #lastProblem: string | undefined;
  readonly #pinned = new Map<string, { readonly agent: Agent; readonly caStamp: string }>();

  constructor(
    private readonly files: ClientTlsFiles,
    private readonly onProblem?: (problem: string) => void,
  ) {}

  /** The agent for the files as they are now (or the previous one while they are not a usable pair). */
  current(): Agent {
    const { certFile, keyFile, caFile } = this.files;
    const previous = this.#agent;
    let stamp: string;
    let material: { cert: Buffer; key: Buffer; ca: Buffer };
    try {
      stamp = [certFile, keyFile, caFile]
        .map((f) => {
          const s = statSync(f);
          return `${s.mtimeMs}:${s.size}`;
        })
        .join('|');
      if (previous !== undefined && stamp === this.#stamp) return previous;
      material = { cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(caFile) };
    } catch (error) {
      if (previous === undefined) throw error;
      return this.#keep(previous, `cannot read them (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (previous !== undefined) {
      const problem = certificateKeyProblem(material.cert, material.key);
      if (problem !== undefined) return this.#keep(previous, `certFile ${certFile} and keyFile ${keyFile} are not a usable certificate and private key: ${problem}`);
      try {
        parseTrustBundle(material.ca.toString('utf8'), `caFile ${caFile}`);
      } catch (error) {
        return this.#keep(previous, `${error instanceof Error ? error.message : String(error)}; the previous trust bundle stays in use`);
      }
    }
    this.#agent = new Agent({ connect: material });
    this.#stamp = stamp;
    this.#lastProblem = undefined;
    void previous?.close();
    return this.#agent;
  }

  /**
   * An agent presenting exactly `identity` (held in memory: the files may have moved on), for a token that must be
   * bound to the certificate of the connections it is sent on. The trust bundle is read from its file, and read again
   * when the file changes: during a CA rotation the issuer can move to the new CA while this client still presents
   * its certificate from the old one (`pnpm chaos`: token requests from a pinned agent failed for a second at the CA
   * switch, because it trusted only the bundle of the day its identity began). A bundle that does not parse (written
   * in place, read half written) keeps the agent's last good one. The agents of the two most recent identities are
   * kept; older ones are closed.
   */
  forIdentity(identity: ClientIdentity): Agent {
    const known = this.#pinned.get(identity.fingerprint256);
    const caStamp = this.#caStamp();
    if (known !== undefined && (caStamp === undefined || caStamp === known.caStamp)) return known.agent;
    const ca = this.#readTrustBundle(known !== undefined);
    if (ca === undefined && known !== undefined) return known.agent;
    const agent = new Agent({ connect: { cert: identity.certificate, key: identity.privateKey, ca: ca ?? readFileSync(this.files.caFile) } });
    this.#pinned.delete(identity.fingerprint256);
    this.#pinned.set(identity.fingerprint256, { agent, caStamp: caStamp ?? '' });
    void known?.agent.close();
    for (const [fingerprint, old] of this.#pinned) {
      if (this.#pinned.size <= 2) break;
      this.#pinned.delete(fingerprint);
      void old.agent.close();
    }
    return agent;
  }

  /** The trust bundle file's mtime and size; undefined when it cannot be read now. */
  #caStamp(): string | undefined {
    try {
      const s = statSync(this.files.caFile);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return undefined;
    }
  }

  /**
   * The trust bundle, when it parses. When it does not and `keeping` (an agent with a good one exists), the problem
   * is reported and undefined returned; with nothing to keep, the caller reads the file and TLS says what is wrong.
   */
  #readTrustBundle(keeping: boolean): Buffer | undefined {
    const { caFile } = this.files;
    try {
      const ca = readFileSync(caFile);
      parseTrustBundle(ca.toString('utf8'), `caFile ${caFile}`);
      return ca;
    } catch (error) {
      if (keeping) this.#report(`${error instanceof Error ? error.message : String(error)}; the previous trust bundle stays in use`);
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.#agent?.close();
    this.#agent = undefined;
    await Promise.all([...this.#pinned.values()].map((p) => p.agent.close()));
    this.#pinned.clear();
  }

  #keep(previous: Agent, problem: string): Agent {
    this.#report(problem);
    return previous;
  }

  #report(problem: string): void {
    if (problem !== this.#lastProblem) this.onProblem?.(problem);
    this.#lastProblem = problem;
  }
}
