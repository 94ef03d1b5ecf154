import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** What {@link TestIssuer.mint} puts in a token besides its claims. */
export interface MintOptions {
  /** Seconds until `exp` (default 300); negative for an expired token. `null` leaves `exp` out. */
  readonly expiresIn?: number | null;
  /** `aud` (default: the issuer's default audience). */
  readonly audience?: string | readonly string[];
  /** `scope`, space-separated. */
  readonly scope?: string;
  /** Binds the token to a certificate: `cnf["x5t#S256"]`. */
  readonly thumbprint?: string;
  /** `typ` header (default `at+jwt`). */
  readonly typ?: string;
  /** Sign with this key id (default: the current key). */
  readonly kid?: string;
  /** Extra header parameters (tests of header injection). */
  readonly header?: Record<string, unknown>;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * A token issuer for tests: ES256 keys, an OIDC discovery document and a JWKS served over HTTP on 127.0.0.1 and a
 * free port, and `mint()` for access tokens (RFC 9068 `at+jwt`). Keys rotate with `rotate()`; `outage()` makes the
 * endpoints fail or hang, to test what verification does then. Never for production: use a real issuer.
 *
 * @example
 * ```ts
 * const issuer = await TestIssuer.start({ audience: 'inventory' });
 * const token = await issuer.mint({ sub: 'orders' }, { scope: 'inventory:read' });
 * await issuer.stop();
 * ```
 */
export class TestIssuer {
  readonly #keys: SigningKey[] = [];
  #mode: 'up' | 'down' | 'hang' = 'up';
  #requests = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly audience: string,
  ) {}

  /** Starts the issuer's HTTP endpoints on 127.0.0.1 and a free port. */
  static async start(options: { audience?: string } = {}): Promise<TestIssuer> {
    const handlers: { handle?: (path: string, res: ServerResponse) => void } = {};
    const server = createServer((req, res) => handlers.handle?.(req.url ?? '/', res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const issuer = new TestIssuer(server, `http://127.0.0.1:${port}`, options.audience ?? 'test-audience');
    handlers.handle = (path, res) => issuer.handle(path, res);
    await issuer.rotate();
    return issuer;
  }

  /** Requests served so far (discovery and JWKS). */
  get requests(): number {
    return this.#requests;
  }

  /** The current signing key id. */
  get kid(): string {
    return (this.#keys[0] as SigningKey).kid;
  }

  /** The published JWKS. */
  get jwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((k) => k.publicJwk) };
  }

  /** Adds a new signing key in front (it signs from now on); the older ones stay published. */
  async rotate(options: { dropOld?: boolean } = {}): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    if (options.dropOld) this.#keys.length = 0;
    this.#keys.unshift({ kid, privateKey, publicJwk });
    return kid;
  }

  /** `up` (default), `down` (HTTP 503) or `hang` (never answers). */
  outage(mode: 'up' | 'down' | 'hang'): void {
    this.#mode = mode;
  }

  /** A signed access token with `iss`, `aud`, `iat`, `exp`, `jti` and the given claims. */
  async mint(claims: JWTPayload = {}, options: MintOptions = {}): Promise<string> {
    const key = options.kid ? this.#keys.find((k) => k.kid === options.kid) : this.#keys[0];
    if (!key) throw new Error(`no key ${options.kid}`);
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = {
      iss: this.url,
      aud: (options.audience as string | string[] | undefined) ?? this.audience,
      iat: now,
      jti: randomUUID(),
      sub: 'test-subject',
      ...(options.expiresIn === null ? {} : { exp: now + (options.expiresIn ?? 300) }),
      ...(options.scope !== undefined ? { scope: options.scope } : {}),
      ...(options.thumbprint !== undefined ? { cnf: { 'x5t#S256': options.thumbprint } } : {}),
      ...claims,
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: options.typ ?? 'at+jwt', ...(options.header ?? {}) })
      .sign(key.privateKey);
  }

  /** Stops the HTTP server. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private handle(path: string, res: ServerResponse): void {
    this.#requests += 1;
    if (this.#mode === 'hang') return;
    if (this.#mode === 'down') {
      res.writeHead(503).end();
      return;
    }
    const body =
      path === '/.well-known/openid-configuration'
        ? { issuer: this.url, jwks_uri: `${this.url}/jwks`, id_token_signing_alg_values_supported: ['ES256'] }
        : path === '/jwks'
          ? this.jwks
          : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
