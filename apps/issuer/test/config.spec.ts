import { rampartErrorOf } from '@rampart/test-support';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@rampart/config';
import type { RampartError } from '@rampart/core';
import { TestWorkloadApi } from '@rampart/spiffe/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createIssuer,
  ISSUER_DEFAULT_PATHS,
  issuerConfigSchema,
  issuerOptionsFromConfig,
  parseClients,
  type IssuerOptions,
} from '../src/index.js';
import { CLIENTS, clientCredentials, createTestPki, INVENTORY, ORDERS, removeTestPki, spiffe, type TestPki } from './harness.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(async () => {
  await removeTestPki(pki);
});

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('issuer config', () => {
  it('defaults to files in the repository’s git-ignored .rampart folder', () => {
    const config = loadConfig({ schemas: [issuerConfigSchema], env: {}, files: [] });
    expect(config.get('issuer.keysFile')).toBe(resolve(REPO_ROOT, '.rampart/issuer/keys.json'));
    expect(config.get('issuer.tls.caFile')).toBe(resolve(REPO_ROOT, '.rampart/pki/ca.pem'));
    expect(ISSUER_DEFAULT_PATHS.certFile).toBe(resolve(REPO_ROOT, '.rampart/pki/issuer-chain.pem'));
    expect(config.get('issuer.accessTokenTtlSec')).toBe(300);
    expect(config.get('issuer.clients')).toEqual([]);
  });

  it('reads everything from the environment (clients as JSON) and starts an issuer from it', async () => {
    const files = { cert: join(pki.dir, 'server.pem'), key: join(pki.dir, 'server-key.pem'), ca: join(pki.dir, 'ca.pem') };
    await writeFile(files.cert, pki.server.chainPem);
    await writeFile(files.key, pki.server.keyPem, { mode: 0o600 });
    await writeFile(files.ca, pki.ca.certPem);
    const config = loadConfig({
      schemas: [issuerConfigSchema],
      files: [],
      env: {
        RAMPART_ISSUER_PORT: '0',
        RAMPART_ISSUER_TLS_CERT_FILE: files.cert,
        RAMPART_ISSUER_TLS_KEY_FILE: files.key,
        RAMPART_ISSUER_TLS_CA_FILE: files.ca,
        RAMPART_ISSUER_KEYS_FILE: join(pki.dir, 'env-keys.json'),
        RAMPART_ISSUER_ACCESS_TOKEN_TTL_SEC: '60',
        RAMPART_ISSUER_CLIENTS: JSON.stringify(CLIENTS),
      },
    });
    const options = await issuerOptionsFromConfig(config);
    expect(options).toMatchObject({ port: 0, accessTokenTtlSec: 60, clients: CLIENTS });
    expect(options.tls.ca).toBe(pki.ca.certPem);
    const issuer = await createIssuer({ ...options, logger: silentLogger() });
    try {
      const { url } = await issuer.listen();
      const token = await clientCredentials(url, pki, 'web', ORDERS);
      const [, payload] = token.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp: number; iat: number };
      expect(claims.exp - claims.iat).toBe(60);
    } finally {
      await issuer.close();
    }
  });

  it('names the TLS file it cannot read', async () => {
    const config = loadConfig({
      schemas: [issuerConfigSchema],
      files: [],
      env: { RAMPART_ISSUER_TLS_CERT_FILE: join(pki.dir, 'missing.pem') },
    });
    const error = await rampartErrorOf(issuerOptionsFromConfig(config));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('issuer.tls.certFile: cannot read');
  });

  it('with issuer.tls.source = workload-api, refuses TLS file settings set anyway, naming each and where, before asking the agent', async () => {
    const agent = await TestWorkloadApi.start({ identities: [{ spiffeId: spiffe('issuer'), dnsNames: ['localhost'] }] });
    try {
      const configFile = join(pki.dir, 'workload-api-with-files.json');
      await writeFile(configFile, JSON.stringify({ issuer: { tls: { federatedBundles: { 'partner.example': '/etc/partner.json' } } } }));
      const config = loadConfig({
        schemas: [issuerConfigSchema],
        files: [configFile],
        // keyFile at exactly its default still counts: it was set, so someone expects it to be read.
        values: { issuer: { tls: { keyFile: ISSUER_DEFAULT_PATHS.keyFile } } },
        env: { RAMPART_TRANSPORT_SOURCE: 'workload-api', SPIFFE_ENDPOINT_SOCKET: agent.address, RAMPART_ISSUER_TLS_CERT_FILE: '/etc/tls/tls.crt' },
      });
      const error = await rampartErrorOf(issuerOptionsFromConfig(config));
      expect(error.code).toBe('ERR_CONFIG_INVALID');
      expect(error.message).toBe(
        'issuer.tls.source is workload-api, which does not read issuer.tls.certFile (env:RAMPART_ISSUER_TLS_CERT_FILE), ' +
          `issuer.tls.keyFile (values), issuer.tls.federatedBundles (file:${configFile}): choose one. ` +
          `Fix: unset RAMPART_ISSUER_TLS_CERT_FILE, leave "issuer.tls.keyFile" out of the values given in code, ` +
          `remove "issuer.tls.federatedBundles" from ${configFile}; or set issuer.tls.source to files (RAMPART_TRANSPORT_SOURCE=files) to serve TLS from the files`,
      );
      expect(Object.values(agent.calls).every((n) => n === 0)).toBe(true); // refused before the Workload API was asked
      const trustDomainOnly = loadConfig({
        schemas: [issuerConfigSchema],
        files: [],
        env: { RAMPART_TRANSPORT_SOURCE: 'workload-api', SPIFFE_ENDPOINT_SOCKET: agent.address, RAMPART_ISSUER_TLS_TRUST_DOMAIN: 'rampart.test' },
      });
      expect((await rampartErrorOf(issuerOptionsFromConfig(trustDomainOnly))).message).toMatch(/^issuer.tls.source is workload-api, which does not read issuer.tls.trustDomain \(env:RAMPART_ISSUER_TLS_TRUST_DOMAIN\)/);
      expect(Object.values(agent.calls).every((n) => n === 0)).toBe(true);
    } finally {
      await agent.close();
    }
  });

  it('refuses an issuer URL with a path, a zero lifetime, and invalid clients', async () => {
    const base = {
      tls: { cert: pki.server.chainPem, key: pki.server.keyPem, ca: pki.ca.certPem },
      keysFile: join(pki.dir, 'refused-keys.json'),
      clients: CLIENTS,
    };
    const cases: [string, Partial<IssuerOptions>][] = [
      ['URL with a path', { issuerUrl: 'https://localhost:9443/oidc' }],
      ['http URL', { issuerUrl: 'http://localhost:9443' }],
      ['zero lifetime', { accessTokenTtlSec: 0 }],
      ['bad SPIFFE ID', { clients: [{ client_id: 'x', spiffe_id: 'not-a-spiffe-id', resources: {} }] }],
    ];
    for (const [name, options] of cases) {
      const error = await rampartErrorOf(createIssuer({ ...base, ...options, logger: silentLogger() }));
      expect(error.code, name).toBe('ERR_CONFIG_INVALID');
    }
  });
});

describe('parseClients', () => {
  it('turns config entries into policies', () => {
    const [web, orders] = parseClients(CLIENTS);
    expect(web).toMatchObject({ clientId: 'web', spiffeId: spiffe('web'), audience: spiffe('web') });
    expect(web?.exchange.size).toBe(0);
    expect([...(orders?.resources.get(spiffe('inventory')) ?? [])]).toEqual(['inventory:read', 'inventory:reserve', 'inventory:adjust']);
    expect([...(orders?.exchange.keys() ?? [])]).toEqual([spiffe('inventory')]);
    const delegations = orders?.exchange.get(spiffe('inventory'));
    expect([...(delegations?.get('orders:place') ?? [])]).toEqual(['inventory:read', 'inventory:reserve']);
    expect([...(delegations?.get('orders:read') ?? [])]).toEqual(['inventory:read']);
  });

  it('refuses exchange maps that could not be enforced, and the old { audiences } form with how to migrate', () => {
    const entry = (exchange: unknown) => ({ client_id: 'o', spiffe_id: ORDERS, resources: { [INVENTORY]: ['inventory:read'] }, exchange });
    const problems = (exchange: unknown): string => {
      try {
        parseClients([entry(exchange)]);
      } catch (e) {
        expect((e as RampartError).code).toBe('ERR_CONFIG_INVALID');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(problems({ audiences: [INVENTORY] })).toContain(
      'issuer.clients[0].exchange.audiences is no longer read: name each audience with the scopes the caller\'s token delegates there',
    );
    expect(problems({ [INVENTORY]: { 'orders:write': ['inventory:reserve'] } })).toContain(
      `issuer.clients[0].exchange["${INVENTORY}"]["orders:write"]: "inventory:reserve" not in resources["${INVENTORY}"]`,
    );
    expect(problems({ [ORDERS]: { 'orders:write': ['inventory:read'] } })).toContain(
      `issuer.clients[0].exchange["${ORDERS}"]: the audience must also be listed in resources`,
    );
    expect(problems({ [INVENTORY]: {} })).toContain(`issuer.clients[0].exchange["${INVENTORY}"] must map at least one scope`);
    expect(problems({ [INVENTORY]: { 'orders:write': 'inventory:read' } })).toContain(
      `issuer.clients[0].exchange["${INVENTORY}"]["orders:write"] must be a list of scope names`,
    );
    expect(problems(['x'])).toContain('issuer.clients[0].exchange must be { "<audience URI>": {');
  });

  it('reports every problem at once, with where it is', () => {
    let error: unknown;
    try {
      parseClients([
        { client_id: 'a', spiffe_id: spiffe('a'), resources: { 'not a uri': ['x'] }, extra: 1 },
        { client_id: 'b', spiffe_id: 'https://b', resources: { [ORDERS]: ['has space'] } },
        { client_id: 'c', spiffe_id: spiffe('c'), resources: {}, exchange: { [ORDERS]: { 'web:call': ['orders:read'] } } },
        { client_id: 'c', spiffe_id: spiffe('c2'), resources: {} },
      ]);
    } catch (e) {
      error = e;
    }
    expect((error as RampartError).code).toBe('ERR_CONFIG_INVALID');
    const message = (error as Error).message;
    expect(message).toContain('issuer.clients[0]: unknown key "extra"');
    expect(message).toContain('issuer.clients[0].resources: "not a uri" must be an absolute URI');
    expect(message).toContain('issuer.clients[1].spiffe_id must be a valid SPIFFE ID');
    expect(message).toContain(`issuer.clients[1].resources["${ORDERS}"] must be a list of scope names`);
    expect(message).toContain(`issuer.clients[2].exchange["${ORDERS}"]: the audience must also be listed in resources`);
    expect(message).toContain('issuer.clients[3]: client_id "c" is used twice');
  });
});

function silentLogger() {
  // A logger that writes nothing, so refused configurations do not clutter the test output.
  const noop = (): void => undefined;
  const logger = {
    trace: noop,
    debug: noop,
    info: noop,
    warn: noop,
    error: noop,
    fatal: noop,
    child: () => logger,
    isLevelEnabled: () => false,
  };
  return logger;
}
