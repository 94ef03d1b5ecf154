/**
 * The verified identity of the peer on this call's connection, from its X.509 client certificate. Filled in by the
 * transport once per connection; `undefined` on `ctx.peer` when no verified certificate was presented.
 */
export interface PeerIdentity {
  /** The SPIFFE ID from the certificate's single `spiffe://` URI SAN, when it has a valid one. */
  readonly spiffeId: string | undefined;
  /** The SPIFFE trust domain, e.g. `demo.rampart.dev`. */
  readonly trustDomain: string | undefined;
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  readonly subject: string;
  readonly serialNumber: string;
  readonly notAfter: Date;
  /** SHA-256 of the certificate's DER, base64url: the RFC 8705 `x5t#S256` value. */
  readonly thumbprint: string;
}

/** Who made the call, once a token has been verified. */
export interface Principal {
  /** `sub`. */
  readonly subject: string;
  /** `iss`. */
  readonly issuer: string;
  /** The client the token was issued to, from the claim its issuer's claim mapping names (default `client_id`). */
  readonly clientId: string | undefined;
  /** Granted scopes, from the claims its issuer's claim mapping names (default `scope` and `scp`). */
  readonly scopes: ReadonlySet<string>;
  /**
   * Roles, from the claims its issuer's claim mapping names (e.g. Entra `roles`, Keycloak `realm_access.roles`);
   * empty when the mapping names none. Optional for principals built by hand; a verified token always has it.
   */
  readonly roles?: ReadonlySet<string>;
  /** The `act` chain of a delegated (token-exchange) token, outermost actor first. */
  readonly actors: readonly string[];
  /** `exp` as a Date. */
  readonly expiresAt: Date;
  /** All verified claims. */
  readonly claims: Readonly<Record<string, unknown>>;
}
