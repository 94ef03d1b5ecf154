import { Agent } from 'undici';
import { RampartError } from '@rampart/core';
import type { ClientIdentity } from '../tls/channel-identity.js';
import type { TokenTlsAgents } from './https-agent.js';

/**
 * What {@link InMemoryTlsAgents} reads, each time a token request goes out: the workload's certificate and key in
 * use, and the trust bundle for the issuer's HTTPS certificate (PEM). Undefined while not loaded.
 *
 * @example
 * ```ts
 * const material: InMemoryTlsMaterial = { identity: () => svidAsIdentity(source.svid()), trustBundle: () => Buffer.from(source.bundles().pem) };
 * ```
 */
export interface InMemoryTlsMaterial {
  identity(): ClientIdentity | undefined;
  trustBundle(): Buffer | undefined;
}

/**
 * HTTPS agents for a token client whose certificate, key and trust bundle are held in memory and replaced there (an
 * X.509-SVID streamed from the SPIFFE Workload API): a new agent when the certificate or the bundle changed, the
 * previous one closed. Agents pinned to an identity (a token bound to that certificate) keep the two most recent.
 *
 * @example
 * ```ts
 * const tokens = new TokenClient({ issuer, clientId, tls: new InMemoryTlsAgents(material) });
 * ```
 */
export class InMemoryTlsAgents implements TokenTlsAgents {
  #current: { readonly agent: Agent; readonly fingerprint256: string; readonly ca: Buffer } | undefined;
  readonly #pinned = new Map<string, { readonly agent: Agent; readonly ca: Buffer }>();

  constructor(private readonly material: InMemoryTlsMaterial) {}

  current(): Agent {
    const identity = this.material.identity();
    const ca = this.#trustBundle();
    if (identity === undefined) throw new RampartError('ERR_UNAVAILABLE', 'the workload certificate is not loaded yet');
    const current = this.#current;
    if (current !== undefined && current.fingerprint256 === identity.fingerprint256 && (current.ca === ca || current.ca.equals(ca))) return current.agent;
    const previous = current;
    this.#current = { agent: agentFor(identity, ca), fingerprint256: identity.fingerprint256, ca };
    void previous?.agent.close();
    return this.#current.agent;
  }

  forIdentity(identity: ClientIdentity): Agent {
    const ca = this.#trustBundle();
    const known = this.#pinned.get(identity.fingerprint256);
    if (known !== undefined && known.ca.equals(ca)) return known.agent;
    const agent = agentFor(identity, ca);
    this.#pinned.delete(identity.fingerprint256);
    this.#pinned.set(identity.fingerprint256, { agent, ca });
    void known?.agent.close();
    for (const [fingerprint, old] of this.#pinned) {
      if (this.#pinned.size <= 2) break;
      this.#pinned.delete(fingerprint);
      void old.agent.close();
    }
    return agent;
  }

  async close(): Promise<void> {
    const agents = [...(this.#current ? [this.#current.agent] : []), ...[...this.#pinned.values()].map((p) => p.agent)];
    this.#current = undefined;
    this.#pinned.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }

  #trustBundle(): Buffer {
    const ca = this.material.trustBundle();
    if (ca === undefined || ca.length === 0) throw new RampartError('ERR_UNAVAILABLE', 'the trust bundle for the issuer is not loaded yet');
    return ca;
  }
}

function agentFor(identity: ClientIdentity, ca: Buffer): Agent {
  return new Agent({ connect: { cert: identity.certificate, key: identity.privateKey, ca } });
}
