import type { X509Certificate } from 'node:crypto';

/** How many leaves' chains are kept by default: one per client workload is plenty for a service or an issuer. */
const DEFAULT_MAX_LEAVES = 10_000;

/**
 * The intermediates each client certificate came with at a full TLS handshake, by the leaf's SHA-256 fingerprint,
 * for the connections that resume that session later: a resumed TLS session (a session ticket or id, TLS 1.2 and
 * 1.3 alike) carries the peer's leaf only, so a chain check that needs the intermediates (an SVID issued by an
 * intermediate CA, as SPIRE does under an upstream authority) would fail on every reconnect of a client that resumes
 * (Node's https Agent and undici do by default; so do Envoy upstreams). The resumed session was verified by this
 * process at its full handshake (session tickets are encrypted with keys of this process's TLS context, made anew
 * with each context). Recalled intermediates are re-checked like presented ones: signatures up to a CA of the
 * current bundle of the peer's trust domain, so a bundle change still takes effect, and nothing is trusted because it
 * was remembered. Bounded: the least recently used leaf is forgotten first; a forgotten one fails closed (the client
 * reconnects with a full handshake after the refusal, or once its session expires).
 *
 * @example
 * ```ts
 * const chains = new ChainMemory();
 * const presented = issuersOf(socket.getPeerCertificate(true));
 * const intermediates = presented.length > 0 ? presented : chains.recall(leaf);
 * if (chainsTo(leaf, anchors, () => intermediates) && presented.length > 0) chains.remember(leaf, presented);
 * ```
 */
export class ChainMemory {
  readonly #byLeaf = new Map<string, readonly X509Certificate[]>();

  constructor(private readonly maxLeaves: number = DEFAULT_MAX_LEAVES) {}

  /** How many leaves are remembered. */
  get size(): number {
    return this.#byLeaf.size;
  }

  /** Remembers the certificates above `leaf` in a chain that was just verified (at a full handshake). */
  remember(leaf: X509Certificate, issuers: readonly X509Certificate[]): void {
    if (issuers.length === 0) return;
    const key = leaf.fingerprint256;
    this.#byLeaf.delete(key);
    this.#byLeaf.set(key, issuers);
    if (this.#byLeaf.size > this.maxLeaves) this.#byLeaf.delete(this.#byLeaf.keys().next().value as string);
  }

  /** The certificates remembered above `leaf`, or none. */
  recall(leaf: X509Certificate): readonly X509Certificate[] {
    const key = leaf.fingerprint256;
    const issuers = this.#byLeaf.get(key);
    if (issuers === undefined) return [];
    this.#byLeaf.delete(key);
    this.#byLeaf.set(key, issuers);
    return issuers;
  }
}
