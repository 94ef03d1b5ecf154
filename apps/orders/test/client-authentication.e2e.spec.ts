// Issue 19 item 2: the token client authenticates to its issuer with each method identity providers offer
// (tls_client_auth, self_signed_tls_client_auth, private_key_jwt, client_secret_basic, client_secret_post), through
// openid-client, against the sample issuer (oidc-provider) registering one client per method; each gets a
// certificate-bound token and calls inventory with it. Wrong credentials are refused by the issuer: no token.
import { closeClient, createClient, createMtlsChannelCredentials, type TokenClient, type ClientAuthentication } from '@rampart/client';
import type { IssuerClientConfig } from '@rampart/issuer';
import { createCa, thumbprintOfPem } from '@rampart/pki';
import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTO_ROOT } from '../src/app.js';
import { InventoryServiceDescriptor } from '../src/generated/index.js';
import { DemoWorld, ID, INVENTORY } from './demo-world.js';

const METHODS = ['tls_client_auth', 'self_signed_tls_client_auth', 'private_key_jwt', 'client_secret_basic', 'client_secret_post'] as const;
type Method = (typeof METHODS)[number];

/** Each method's workload: its client_id at the issuer is `auth-<method>`. */
const clientIdOf = (method: Method) => `auth-${method.replaceAll('_', '-')}`;

let world: DemoWorld;
/** What each client presents: its authentication (secret, key file) as the issuer registered it. */
const credentials = new Map<Method, ClientAuthentication>();
/** A second key and secret nobody registered. */
let wrongKeyFile = '';
const wrongSecret = randomBytes(32).toString('base64url');
/** Tokens the issuer issued, by client_id. */
const issued = new Map<string, number>();
/** The client assertions of issued tokens, by client_id. */
const assertions = new Map<string, string>();
const ENTRA_STYLE = 'auth-private-key-jwt-entra-style';

/** The first certificate of a PEM chain file. */
const leafOf = (chainFile: string) => readFileSync(chainFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/)?.[0] ?? '';

/** A P-256 key pair: the private key as a PKCS#8 PEM file, the public key as a JWKS file with `kid`. */
function writeKeyPair(dir: string, name: string): { privateKeyFile: string; jwksFile: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKeyFile = join(dir, `${name}-assertion-key.pem`);
  const jwksFile = join(dir, `${name}-jwks.json`);
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: name, alg: 'ES256', use: 'sig' }] }));
  return { privateKeyFile, jwksFile };
}

async function registerClients(w: DemoWorld): Promise<IssuerClientConfig[]> {
  const clients: IssuerClientConfig[] = [];
  for (const method of METHODS) {
    const name = clientIdOf(method);
    const files = await w.workload(name);
    const base = { client_id: name, spiffe_id: ID(name), resources: { [INVENTORY]: ['inventory:read'] } };
    if (method === 'tls_client_auth') {
      credentials.set(method, { method });
      clients.push(base);
    } else if (method === 'self_signed_tls_client_auth') {
      // The issuer holds the certificate itself (RFC 8705 §2.2), not a CA to chain it to.
      const certificateFile = join(w.dir, `${name}-registered.pem`);
      writeFileSync(certificateFile, leafOf(files.cert));
      credentials.set(method, { method });
      clients.push({ ...base, token_endpoint_auth_method: method, certificate_file: certificateFile });
    } else if (method === 'private_key_jwt') {
      const { privateKeyFile, jwksFile } = writeKeyPair(w.dir, name);
      credentials.set(method, { method, privateKeyFile, alg: 'ES256', kid: name });
      clients.push({ ...base, token_endpoint_auth_method: method, jwks_file: jwksFile });
    } else {
      const secret = randomBytes(32).toString('base64url');
      const secretFile = join(w.dir, `${name}-secret`);
      writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
      credentials.set(method, { method, secret });
      clients.push({ ...base, token_endpoint_auth_method: method, client_secret_file: secretFile });
    }
  }
  wrongKeyFile = writeKeyPair(w.dir, 'unregistered').privateKeyFile;
  // Entra ID style: the workload's own certificate key signs, the issuer holds that public key.
  const entra = await w.workload(ENTRA_STYLE);
  const jwksFile = join(w.dir, 'entra-style-jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [new X509Certificate(leafOf(entra.cert)).publicKey.export({ format: 'jwk' })] }));
  clients.push({ client_id: ENTRA_STYLE, spiffe_id: ID(ENTRA_STYLE), resources: { [INVENTORY]: ['inventory:read'] }, token_endpoint_auth_method: 'private_key_jwt', jwks_file: jwksFile });
  return clients;
}

/** A token client for `method`'s workload (its certificate files), authenticating with `authentication`. */
async function tokensFor(method: Method, authentication: ClientAuthentication, files?: { cert: string; key: string }): Promise<TokenClient> {
  const own = files ?? (await world.workload(clientIdOf(method)));
  return world.tokenClient(own, clientIdOf(method), { authentication });
}

beforeAll(async () => {
  world = await new DemoWorld().start({ moreClients: registerClients });
  world.issuer.provider.on('grant.success', ((ctx: { oidc: { client?: { clientId: string }; params?: Record<string, unknown> } }) => {
    const id = ctx.oidc.client?.clientId ?? '';
    issued.set(id, (issued.get(id) ?? 0) + 1);
    const assertion = ctx.oidc.params?.['client_assertion'];
    if (typeof assertion === 'string') assertions.set(id, assertion);
  }));
}, 60_000);
afterAll(async () => {
  await world?.stop();
});

/** Asks for a token that the issuer must refuse: the reason, after checking that no token was issued to the client. */
async function refusal(method: Method, authentication: ClientAuthentication, files?: { cert: string; key: string }): Promise<string> {
  const before = issued.get(clientIdOf(method)) ?? 0;
  const tokens = await tokensFor(method, authentication, files);
  const error = await tokens.token(INVENTORY).then(
    () => undefined,
    (e: unknown) => e as Error & { reason?: string },
  );
  expect(error?.message).toBe('could not get a token');
  expect(issued.get(clientIdOf(method)) ?? 0).toBe(before);
  return error?.reason ?? '';
}

describe('each client authentication method gets a certificate-bound token from the sample issuer', () => {
  it.each(METHODS)('%s: the token names the client, is bound to its certificate, and inventory accepts it', async (method) => {
    const files = await world.workload(clientIdOf(method));
    const tokens = await tokensFor(method, credentials.get(method) as ClientAuthentication);
    const token = await tokens.token(INVENTORY);
    const claims = decodeJwt(token);
    expect(claims['client_id']).toBe(clientIdOf(method));
    expect(claims.aud).toBe(INVENTORY);
    expect((claims['cnf'] as Record<string, string>)['x5t#S256']).toBe(thumbprintOfPem(leafOf(files.cert)));

    const channel = createMtlsChannelCredentials({ certFile: files.cert, keyFile: files.key, caFile: world.caFile, expectedServerId: INVENTORY });
    await channel.ready;
    const inventory = createClient(InventoryServiceDescriptor, {
      address: world.inventoryAddress,
      protoRoot: PROTO_ROOT,
      credentials: channel.credentials,
      tokens: { source: tokens, audience: INVENTORY },
    });
    try {
      const stock = await inventory.getStock({ sku: 'SKU-RED-MUG' });
      expect(stock.sku).toBe('SKU-RED-MUG');
    } finally {
      closeClient(inventory);
      channel.close();
    }
  });
});

describe('private_key_jwt as Entra ID wants it: the certificate key signs, x5t#S256 and x5t name it, aud is the token endpoint', () => {
  it('gets a token with such an assertion, which the issuer saw as configured', async () => {
    const files = await world.workload(ENTRA_STYLE);
    const tokens = world.tokenClient(files, ENTRA_STYLE, {
      authentication: { method: 'private_key_jwt', privateKeyFile: files.key, alg: 'ES256', certificateFile: files.cert, assertionAudience: 'token_endpoint' },
    });
    expect(decodeJwt(await tokens.token(INVENTORY))['client_id']).toBe(ENTRA_STYLE);
    const assertion = assertions.get(ENTRA_STYLE) ?? '';
    const raw = new X509Certificate(leafOf(files.cert)).raw;
    expect(decodeProtectedHeader(assertion)).toMatchObject({
      alg: 'ES256',
      'x5t#S256': createHash('sha256').update(raw).digest('base64url'),
      x5t: createHash('sha1').update(raw).digest('base64url'),
    });
    expect(decodeJwt(assertion)).toMatchObject({ aud: `${world.issuerUrl}/token`, iss: ENTRA_STYLE, sub: ENTRA_STYLE });
  });

  it('by default the assertion is for the issuer (RFC 7523bis) and names its key by kid only', () => {
    const assertion = assertions.get(clientIdOf('private_key_jwt')) ?? '';
    expect(decodeJwt(assertion).aud).toBe(world.issuerUrl);
    const header = decodeProtectedHeader(assertion);
    expect(header.kid).toBe(clientIdOf('private_key_jwt'));
    expect(header).not.toHaveProperty('x5t#S256');
  });
});

describe('the issuer refuses wrong client credentials: invalid_client, and no token', () => {
  it('client_secret_basic with a wrong secret', async () => {
    expect(await refusal('client_secret_basic', { method: 'client_secret_basic', secret: wrongSecret })).toMatch(/invalid_client/);
  });

  it('client_secret_post with a wrong secret', async () => {
    expect(await refusal('client_secret_post', { method: 'client_secret_post', secret: wrongSecret })).toMatch(/invalid_client/);
  });

  it('private_key_jwt signed with a key the issuer does not hold', async () => {
    const reason = await refusal('private_key_jwt', { method: 'private_key_jwt', privateKeyFile: wrongKeyFile, alg: 'ES256', kid: clientIdOf('private_key_jwt') });
    expect(reason).toMatch(/invalid_client/);
  });

  it('self_signed_tls_client_auth with a self-signed certificate nobody registered', async () => {
    const rogue = await createCa({ commonName: 'rogue self-signed', validityDays: 1 });
    const files = { cert: join(world.dir, 'rogue.pem'), key: join(world.dir, 'rogue-key.pem') };
    writeFileSync(files.cert, rogue.certPem);
    writeFileSync(files.key, rogue.keyPem, { mode: 0o600 });
    expect(await refusal('self_signed_tls_client_auth', { method: 'self_signed_tls_client_auth' }, files)).toMatch(/invalid_client/);
  });

  it('a client registered for a secret cannot fall back to its certificate (tls_client_auth)', async () => {
    expect(await refusal('client_secret_basic', { method: 'tls_client_auth' })).toMatch(/invalid_client/);
  });
});

describe("a secret or key proves the client, not the workload: the certificate must be the client's own", () => {
  // Review finding: with a leaked secret, another workload (or anyone with a self-signed certificate) got tokens bound
  // to its own certificate, acting as the client's spiffe_id. Now invalid_grant, and no token.
  // The right credential of the method's client, from another certificate.
  const refusedWith = (method: 'client_secret_post' | 'private_key_jwt', files: { cert: string; key: string }) =>
    refusal(method, credentials.get(method) as ClientAuthentication, files);

  it.each(['client_secret_post', 'private_key_jwt'] as const)('%s with the right credential from another workload of the trust domain', async (method) => {
    const other = await world.workload('billing');
    expect(await refusedWith(method, other)).toMatch(/invalid_grant/);
  });

  it('client_secret_post with the right secret and a self-signed certificate', async () => {
    const rogue = await createCa({ commonName: 'rogue self-signed 2', validityDays: 1 });
    const files = { cert: join(world.dir, 'rogue2.pem'), key: join(world.dir, 'rogue2-key.pem') };
    writeFileSync(files.cert, rogue.certPem);
    writeFileSync(files.key, rogue.keyPem, { mode: 0o600 });
    expect(await refusedWith('client_secret_post', files)).toMatch(/invalid_grant/);
  });

});
