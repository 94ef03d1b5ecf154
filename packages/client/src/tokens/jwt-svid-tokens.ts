import { RampartError } from '@rampart/core';
import type { JwtSourceLease } from '@rampart/spiffe';
import type { TokenSource } from './token-client.js';

/**
 * Tokens for outgoing calls from the SPIFFE Workload API: a JWT-SVID for the call's audience, cached by the shared
 * JwtSource until shortly before it expires, one request to the agent for concurrent callers. JWT-SVIDs are not bound
 * to a certificate and cannot be exchanged for a caller's token: `exchange` refuses (use an OAuth issuer for calls
 * made on behalf of a caller).
 *
 * @example
 * ```ts
 * const tokens = new JwtSvidTokens(leaseJwtSource({ address }));
 * createClient(InventoryServiceDescriptor, { address, protoRoot, credentials, tokens: { source: tokens, audience: 'inventory' } });
 * ```
 */
export class JwtSvidTokens implements TokenSource {
  constructor(private readonly lease: JwtSourceLease) {}

  async token(audience: string): Promise<string> {
    const source = await this.lease.source;
    return (await source.fetchJwtSvid({ audience: [audience] })).token;
  }

  exchange(): Promise<string> {
    return Promise.reject(
      new RampartError(
        'ERR_FAILED_PRECONDITION',
        'a JWT-SVID cannot be exchanged for a token on behalf of a caller: calls made as the caller need an OAuth issuer (auth.client.issuer) that supports token exchange',
      ),
    );
  }

  /** Releases the shared JwtSource. */
  close(): Promise<void> {
    this.lease.close();
    return Promise.resolve();
  }
}
