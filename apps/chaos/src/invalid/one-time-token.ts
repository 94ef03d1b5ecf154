import type { ClientIdentity, TokenClient, TokenSource } from '@rampart/client';

/**
 * A token source for the replay attack: the first call gets a fresh token (from a token client of its own, since a
 * one-time token must be new) bound to the connection's certificate, the second call gets the same token again.
 */
export class OneTimeToken implements TokenSource {
  #token: string | undefined;
  #client: TokenClient | undefined;

  constructor(private readonly fresh: () => TokenClient) {}

  async token(audience: string, identity?: ClientIdentity): Promise<string> {
    if (this.#token !== undefined) return this.#token;
    this.#client = this.fresh();
    this.#token = await this.#client.token(audience, identity);
    return this.#token;
  }

  exchange(): Promise<string> {
    return Promise.reject(new Error('the replay attack exchanges no token'));
  }

  async close(): Promise<void> {
    await this.#client?.close();
  }
}
