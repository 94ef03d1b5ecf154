import { readFileSync, statSync } from 'node:fs';
import { Agent } from 'undici';

/** The workload certificate files the token client authenticates with (RFC 8705 `tls_client_auth`). */
export interface ClientTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Trust bundle for the issuer's server certificate. */
  readonly caFile: string;
}

/**
 * An undici Agent presenting the workload's certificate, rebuilt when any of the files changes (certificates
 * rotate), so the next token request uses the current certificate and the token is bound to it.
 */
export class RotatingTlsAgent {
  #agent: Agent | undefined;
  #stamp = '';

  constructor(private readonly files: ClientTlsFiles) {}

  /** The agent for the files as they are now. */
  current(): Agent {
    const stamp = [this.files.certFile, this.files.keyFile, this.files.caFile]
      .map((f) => {
        const s = statSync(f);
        return `${s.mtimeMs}:${s.size}`;
      })
      .join('|');
    if (this.#agent === undefined || stamp !== this.#stamp) {
      const previous = this.#agent;
      this.#agent = new Agent({
        connect: {
          cert: readFileSync(this.files.certFile),
          key: readFileSync(this.files.keyFile),
          ca: readFileSync(this.files.caFile),
        },
      });
      this.#stamp = stamp;
      void previous?.close();
    }
    return this.#agent;
  }

  async close(): Promise<void> {
    await this.#agent?.close();
    this.#agent = undefined;
  }
}
