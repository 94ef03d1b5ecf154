import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request, type Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { createCa, issueCertificate, type CertificateAuthority, type IssuedCertificate } from '@rampart/pki';
import { createLogger } from '@rampart/telemetry';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { createIssuer, type Issuer, type IssuerClientConfig, type IssuerOptions } from '../src/index.js';

export const TRUST_DOMAIN = 'test.rampart.dev';
export const spiffe = (name: string): string => `spiffe://${TRUST_DOMAIN}/${name}`;
export const WEB = spiffe('web');
export const ORDERS = spiffe('orders');
export const INVENTORY = spiffe('inventory');
export const BILLING = spiffe('billing');
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * web → orders → inventory → billing: each may call the next, orders and inventory on behalf of their caller, with
 * what the caller's scopes delegate: placing an order lets orders read and reserve stock in the caller's name,
 * reading orders only lets it read stock; a reservation lets inventory charge.
 */
export const CLIENTS: IssuerClientConfig[] = [
  { client_id: 'web', spiffe_id: WEB, resources: { [ORDERS]: ['orders:place', 'orders:read'] } },
  {
    client_id: 'orders',
    spiffe_id: ORDERS,
    resources: { [INVENTORY]: ['inventory:read', 'inventory:reserve', 'inventory:adjust'] },
    exchange: { [INVENTORY]: { 'orders:place': ['inventory:read', 'inventory:reserve'], 'orders:read': ['inventory:read'] } },
  },
  {
    client_id: 'inventory',
    spiffe_id: INVENTORY,
    resources: { [BILLING]: ['billing:charge'] },
    exchange: { [BILLING]: { 'inventory:reserve': ['billing:charge'] } },
  },
];

/** A client certificate with its key, as node's TLS options take it. */
export interface ClientIdentity {
  readonly cert: string;
  readonly key: string;
  readonly thumbprint: string;
}

/** Everything a test needs: a CA, the issuer's server certificate and client certificates, a temp folder. */
export interface TestPki {
  readonly dir: string;
  readonly ca: CertificateAuthority;
  readonly server: IssuedCertificate;
  readonly clients: Record<'web' | 'orders' | 'inventory' | 'stranger', ClientIdentity>;
  /** A certificate for the orders SPIFFE ID from a CA the issuer does not trust. */
  readonly foreignOrders: ClientIdentity;
  /** The CA that issued `foreignOrders`. */
  readonly untrustedCa: CertificateAuthority;
}

function identity(issued: IssuedCertificate): ClientIdentity {
  return { cert: issued.certPem, key: issued.keyPem, thumbprint: issued.thumbprint };
}

export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-issuer-'));
  const ca = await createCa({ commonName: 'Issuer test CA', validityDays: 1 });
  const otherCa = await createCa({ commonName: 'Untrusted CA', validityDays: 1 });
  const server = await issueCertificate(ca, {
    spiffeId: spiffe('issuer'),
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
  });
  const client = async (name: string): Promise<ClientIdentity> =>
    identity(await issueCertificate(ca, { spiffeId: spiffe(name), usage: 'client' }));
  return {
    dir,
    ca,
    server,
    clients: {
      web: await client('web'),
      orders: await client('orders'),
      inventory: await client('inventory'),
      stranger: await client('stranger'),
    },
    foreignOrders: identity(await issueCertificate(otherCa, { spiffeId: ORDERS, usage: 'client' })),
    untrustedCa: otherCa,
  };
}

export async function removeTestPki(pki: TestPki | undefined): Promise<void> {
  if (pki !== undefined) await rm(pki.dir, { recursive: true, force: true });
}

/** Log lines written by an issuer, parsed. */
export class LogLines {
  readonly raw: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.raw.push(chunk.toString('utf8'));
      done();
    },
  });
  get entries(): Record<string, unknown>[] {
    return this.raw.flatMap((text) => text.split('\n').filter((l) => l !== '')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/**
 * Starts an issuer on 127.0.0.1, port 0, logging into `logs`; `granted()` counts the tokens it issued (its
 * `grant.success` events), so a test can show that a refused request issued none.
 */
export async function startIssuer(
  pki: TestPki,
  overrides: Partial<IssuerOptions> = {},
): Promise<{ issuer: Issuer; url: string; port: number; logs: LogLines; granted: () => number }> {
  const logs = new LogLines();
  const issuer = await createIssuer({
    host: '127.0.0.1',
    port: 0,
    tls: { cert: pki.server.chainPem, key: pki.server.keyPem, ca: pki.ca.certPem },
    keysFile: join(pki.dir, 'keys.json'),
    accessTokenTtlSec: 120,
    clockToleranceSec: 0,
    clients: CLIENTS,
    logger: createLogger({ name: 'issuer-test', destination: logs.stream }),
    ...overrides,
  });
  const { url, port } = await issuer.listen();
  let grants = 0;
  issuer.provider.on('grant.success', () => {
    grants += 1;
  });
  return { issuer, url, port, logs, granted: () => grants };
}

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** An HTTPS request on loopback with node:https (global fetch cannot present a client certificate on Node 20). */
export function httpsRequest(
  url: string,
  options: { ca: string; client?: ClientIdentity; form?: Record<string, string> },
): Promise<HttpResult> {
  const body = options.form === undefined ? undefined : new URLSearchParams(options.form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        ca: options.ca,
        ...(options.client === undefined ? {} : { cert: options.client.cert, key: options.client.key }),
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new Error(`not JSON (status ${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A token request to the issuer's token endpoint. */
export function tokenRequest(
  url: string,
  pki: TestPki,
  client: ClientIdentity | undefined,
  form: Record<string, string>,
): Promise<HttpResult> {
  return httpsRequest(`${url}/token`, { ca: pki.ca.certPem, form, ...(client === undefined ? {} : { client }) });
}

/** Client credentials for `resource`, expecting success; returns the access token. */
export async function clientCredentials(
  url: string,
  pki: TestPki,
  clientId: keyof TestPki['clients'],
  resource: string,
  scope?: string,
): Promise<string> {
  const { status, body } = await tokenRequest(url, pki, pki.clients[clientId], {
    grant_type: 'client_credentials',
    client_id: clientId,
    resource,
    ...(scope === undefined ? {} : { scope }),
  });
  if (status !== 200) throw new Error(`token request failed: ${status} ${JSON.stringify(body)}`);
  return body['access_token'] as string;
}

export async function fetchJwks(url: string, pki: TestPki): Promise<{ keys: JWK[] }> {
  const { body } = await httpsRequest(`${url}/jwks`, { ca: pki.ca.certPem });
  return body as unknown as { keys: JWK[] };
}

/** Verifies an access token against the issuer's published JWKS the way a resource server would. */
export async function verifyAccessToken(
  token: string,
  jwks: { keys: JWK[] },
  issuerUrl: string,
  audience: string,
): Promise<{ payload: JWTPayload; protectedHeader: ProtectedHeaderParameters }> {
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: issuerUrl, audience, typ: 'at+jwt', algorithms: ['ES256'] });
}

/** A token exchange request (RFC 8693) by `client` with `subjectToken` for `resource`. */
export function exchangeRequest(
  url: string,
  pki: TestPki,
  clientId: keyof TestPki['clients'],
  subjectToken: string,
  resource: string | undefined,
  extra: Record<string, string> = {},
): Promise<HttpResult> {
  return tokenRequest(url, pki, pki.clients[clientId], {
    grant_type: TOKEN_EXCHANGE,
    client_id: clientId,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN,
    ...(resource === undefined ? {} : { resource }),
    ...extra,
  });
}

/** The `detail` of the last "token request refused" log line. */
export function lastRefusal(logs: LogLines): Record<string, unknown> | undefined {
  return logs.entries.filter((e) => e['msg'] === 'token request refused').at(-1);
}

/** POSTs a form through `agent` (which may reuse a connection) and says whether the connection was reused. */
export function postForm(
  url: string,
  agent: Agent,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown>; reusedSocket: boolean; resumedSession: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      const resumedSession = (res.socket as TLSSocket).isSessionReused();
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          reusedSocket: req.reusedSocket,
          resumedSession,
        }),
      );
    });
    req.on('error', reject);
    req.end(new URLSearchParams(form).toString());
  });
}

/**
 * Signs an access token with the issuer's own private key (the issuer started with `keysFile`, default `keys.json`,
 * in the test folder), as the issuer would for web calling orders with `orders:place`, with chosen claims on top.
 */
export async function signAsIssuer(pki: TestPki, issuerUrl: string, claims: Record<string, unknown>, keysFile = 'keys.json'): Promise<string> {
  const file = JSON.parse(await readFile(join(pki.dir, keysFile), 'utf8')) as { keys: JWK[] };
  const jwk = file.keys[0]!;
  const key = await importJWK(jwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: 'web', scope: 'orders:place', exp: now + 60, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: jwk.kid! })
    .setIssuer(issuerUrl)
    .setSubject('web')
    .setAudience(ORDERS)
    .setIssuedAt(now - 60)
    .setJti('test-jti')
    .sign(key);
}
