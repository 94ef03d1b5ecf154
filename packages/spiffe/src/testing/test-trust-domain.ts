import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { createCa, issueCertificate, type CertificateAuthority } from '@rampart/pki';

/** The JWT-SVID signing algorithm of the test agent. */
const JWT_ALG = 'ES256';
/** Leaves start this long ago, for clocks a little apart. */
const BACKDATE_MS = 1000;

/**
 * One X.509-SVID as the test agent serves it: DER chain and PKCS#8 DER key, as the Workload API carries them.
 *
 * @example
 * ```ts
 * const svid: MintedX509Svid = await domain.mintX509Svid('spiffe://test.rampart.dev/orders', 60_000);
 * ```
 */
export interface MintedX509Svid {
  readonly spiffeId: string;
  readonly certificateDer: Buffer;
  readonly privateKeyDer: Buffer;
  readonly certificatePem: string;
  /** The key, PKCS#8 PEM (for a client of your own presenting this SVID). */
  readonly privateKeyPem: string;
  /** The leaf's serial number, upper-case hex (what a peer identity's `serialNumber` says). */
  readonly serialNumber: string;
  /** The leaf's SHA-256 fingerprint (`AB:CD:…`). */
  readonly fingerprint256: string;
  readonly notAfter: Date;
}

interface JwtKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * A trust domain of the test agent: its X.509 CAs (the first issues; older ones stay in the bundle after a CA
 * rotation) and its JWT-SVID signing keys (likewise).
 *
 * @example
 * ```ts
 * const partner = await TestTrustDomain.create('partner.example');
 * partner.bundleDer(); // what federated_bundles carries for it
 * ```
 */
export class TestTrustDomain {
  #cas: CertificateAuthority[];
  #jwtKeys: JwtKey[];

  private constructor(
    readonly name: string,
    ca: CertificateAuthority,
    key: JwtKey,
  ) {
    this.#cas = [ca];
    this.#jwtKeys = [key];
  }

  /** A trust domain with a fresh CA (its URI SAN `spiffe://<name>`) and a fresh ES256 JWT key. */
  static async create(name: string): Promise<TestTrustDomain> {
    const ca = await createCa({ commonName: `${name} test CA`.slice(0, 64), trustDomain: name, validityDays: 1 });
    return new TestTrustDomain(name, ca, await newJwtKey());
  }

  /** The CA that issues now. */
  get ca(): CertificateAuthority {
    return this.#cas[0]!;
  }

  /** The bundle's CA certificates, newest first. */
  get caCertificates(): X509Certificate[] {
    return this.#cas.map((ca) => new X509Certificate(ca.certPem));
  }

  /** The bundle as the Workload API carries it: concatenated DER. */
  bundleDer(): Buffer {
    return Buffer.concat(this.caCertificates.map((cert) => cert.raw));
  }

  /** A new CA issues from now on; the old one stays in the bundle (as SPIRE's bundle keeps both during a rotation). */
  async rotateCa(): Promise<void> {
    this.#cas = [await createCa({ commonName: `${this.name} test CA`.slice(0, 64), trustDomain: this.name, validityDays: 1 }), ...this.#cas];
  }

  /** The JWT bundle: every signing key's public JWK with its `kid` and `use: jwt-svid`. */
  jwks(): JSONWebKeySet {
    return { keys: this.#jwtKeys.map((key) => ({ ...key.publicJwk })) };
  }

  /** A new JWT key signs from now on; the old one stays in the bundle. */
  async rotateJwtKey(): Promise<void> {
    this.#jwtKeys = [await newJwtKey(), ...this.#jwtKeys];
  }

  /** Mints an X.509-SVID from the current CA, valid from a second ago for `lifetimeMs`. */
  async mintX509Svid(spiffeId: string, lifetimeMs: number): Promise<MintedX509Svid> {
    const now = Date.now();
    const issued = await issueCertificate(this.ca, {
      spiffeId,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + lifetimeMs),
    });
    const leaf = new X509Certificate(issued.certPem);
    const key = createPrivateKey(issued.keyPem);
    return {
      spiffeId,
      certificateDer: leaf.raw,
      privateKeyDer: key.export({ type: 'pkcs8', format: 'der' }),
      certificatePem: issued.certPem,
      privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
      serialNumber: leaf.serialNumber.toUpperCase(),
      fingerprint256: leaf.fingerprint256,
      notAfter: issued.notAfter,
    };
  }

  /**
   * Signs a JWT-SVID with the current key: `sub`, `aud`, `iat`, `exp`, header `alg` ES256, `kid`, `typ` JWT.
   * `claims` adds or overrides claims (for tests of refused tokens).
   */
  async signJwtSvid(options: {
    readonly spiffeId: string;
    readonly audience: readonly string[];
    readonly lifetimeSeconds: number;
    readonly claims?: Record<string, unknown>;
  }): Promise<string> {
    const key = this.#jwtKeys[0]!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: options.spiffeId, aud: [...options.audience], iat: now, exp: now + options.lifetimeSeconds, ...options.claims })
      .setProtectedHeader({ alg: JWT_ALG, kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }
}

async function newJwtKey(): Promise<JwtKey> {
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'jwt-svid', alg: JWT_ALG } };
}
