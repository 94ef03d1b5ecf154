import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { RampartError, type Logger } from '@rampart/core';
import { ChainMemory } from '@rampart/pki/internal';
import { createLogger } from '@rampart/telemetry';
import Provider, { type ClientCredentialsToken, type KoaContextWithOIDC } from 'oidc-provider';
import { parseClients, type IssuerClientConfig } from './clients.js';
import { GracefulClose } from './graceful-close.js';
import { tracedRequests } from './http-server-span.js';
import { recordRequestCertificate, requestCertificate, verifyRequestCertificate } from './mtls.js';
import { providerConfiguration } from './provider-configuration.js';
import { loadSigningKeys } from './signing-keys.js';
import { refuseRenegotiation } from './tls-connections.js';
import { issuerTrustBundles, tlsProblem, type IssuerTls, type IssuerTlsFiles } from './tls-files.js';
import { watchTlsFiles, type IssuerTlsReload, type ServedTls, type TlsWatch } from './tls-watch.js';
import { watchTlsSource, type IssuerTlsSource } from './tls-source.js';
import { registerTokenExchange, type Delegation } from './token-exchange.js';

/**
 * Options of {@link createIssuer}. TLS material is PEM text; `issuerOptionsFromConfig` reads it from the configured
 * files.
 *
 * @example
 * ```ts
 * const options: IssuerOptions = {
 *   port: 0,
 *   tls: { cert: serverCertPem, key: serverKeyPem, ca: caPem },
 *   keysFile: '/tmp/issuer/keys.json',
 *   clients: [{ client_id: 'orders', spiffe_id: 'spiffe://demo.rampart.dev/orders', resources: {} }],
 * };
 * ```
 */
export interface IssuerOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port; 0 picks a free one at `listen()`. Default 0. */
  readonly port?: number;
  /**
   * The issuer identifier (`iss`), an https URL without path, query or fragment. Default
   * `https://<host>:<port>` (`localhost` for a wildcard host), known after `listen()` when the port is 0.
   */
  readonly issuerUrl?: string;
  /**
   * The server certificate (chain), its private key, and the trust bundles client certificates must chain to: `ca`
   * for the issuer's own trust domain, `federatedBundles` for others (a certificate counts only with the bundle of the
   * trust domain in its own SPIFFE ID).
   */
  readonly tls: IssuerTls;
  /**
   * The files `tls` was read from: while listening, the issuer re-reads them every `refreshIntervalMs` (and on
   * `reloadTls()`) and serves a replaced, usable certificate and key, and replaced, usable trust bundles, to new
   * connections, without a restart (as Rampart services do with theirs).
   */
  readonly tlsFiles?: IssuerTlsFiles;
  /**
   * Where `tls` came from when it streams from the SPIFFE Workload API: what it pushes (a rotated SVID, new or federated
   * bundles) is served to new connections while listening, and it is closed with the issuer. Not with `tlsFiles`.
   */
  readonly tlsSource?: IssuerTlsSource;
  /** The signing keys file (JWKS with private keys, mode 0600); created with one ES256 key when missing. */
  readonly keysFile: string;
  /** Access token lifetime in seconds. Default 300. */
  readonly accessTokenTtlSec?: number;
  /** Allowed clock skew when verifying subject tokens, in seconds. Default 5. */
  readonly clockToleranceSec?: number;
  readonly clients: readonly IssuerClientConfig[];
  /** Default: a pino logger named `issuer` (JSON lines on stdout). */
  readonly logger?: Logger;
}

/**
 * A running (or ready to run) issuer.
 *
 * @example
 * ```ts
 * const issuer = await createIssuer(options);
 * const { url } = await issuer.listen();
 * await issuer.close();
 * ```
 */
export interface Issuer {
  /** The issuer URL. Throws before `listen()` when it depends on a port not chosen yet. */
  readonly url: string;
  /** Starts listening; resolves with the bound port and the issuer URL. */
  listen(): Promise<{ readonly port: number; readonly url: string }>;
  /**
   * Stops listening, closes idle connections, lets requests under way finish (each connection closes after its
   * response), and cuts what is still open after `graceMs` (default 5000). Resolves once every connection is closed.
   */
  close(options?: { readonly graceMs?: number }): Promise<void>;
  /**
   * The oidc-provider instance, typed narrowly (the package ships no types). Throws before `listen()` when the URL
   * depends on a port not chosen yet.
   */
  readonly provider: IssuerProvider;
  /** The kid that signs new tokens. */
  readonly signingKid: string;
  /**
   * Serves new connections with this certificate, key and trust bundle (open ones keep theirs).
   *
   * @throws RampartError `ERR_CONFIG_INVALID` when the set is not usable (see `tlsProblem`); the previous one stays.
   */
  updateTls(tls: IssuerTls): void;
  /**
   * Re-reads the TLS files (`tlsFiles`) now, as a refresh would, logs what it did (`trigger` names why, e.g.
   * `SIGHUP`) and resolves with it; `undefined` before `listen()` or without `tlsFiles`. Never rejects.
   */
  reloadTls(trigger?: string): Promise<IssuerTlsReload | undefined>;
}

/**
 * The part of the oidc-provider instance this package vouches for: its issuer, its endpoint URLs and its events
 * (e.g. `grant.success`, `grant.error`).
 *
 * @example
 * ```ts
 * issuer.provider.urlFor('token'); // https://127.0.0.1:9443/token
 * ```
 */
export interface IssuerProvider {
  readonly issuer: string;
  urlFor(name: string): string;
  on(event: string, listener: (...args: never[]) => void): unknown;
}

const DEFAULT_TTL_SEC = 300;
const DEFAULT_CLOCK_TOLERANCE_SEC = 5;

/**
 * Creates the OAuth 2.0 / OIDC issuer on oidc-provider, served by a Node https server that asks every client for a
 * certificate (`requestCert`) without requiring one at the handshake: the token endpoint refuses requests without a
 * verified one. Loads (or creates) the signing keys; logs refused token requests with their reason.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` for invalid clients, URL, lifetime or keys file.
 *
 * @example
 * ```ts
 * const issuer = await createIssuer(issuerOptionsFromConfig(loadConfig({ schemas: [issuerConfigSchema] })));
 * const { url } = await issuer.listen(); // https://127.0.0.1:9443
 * ```
 */
export async function createIssuer(options: IssuerOptions): Promise<Issuer> {
  const host = options.host ?? '127.0.0.1';
  const accessTokenTtlSec = options.accessTokenTtlSec ?? DEFAULT_TTL_SEC;
  if (!Number.isSafeInteger(accessTokenTtlSec) || accessTokenTtlSec < 1) {
    throw new RampartError('ERR_CONFIG_INVALID', 'accessTokenTtlSec must be a positive whole number of seconds');
  }
  if (options.issuerUrl !== undefined) checkIssuerUrl(options.issuerUrl);
  if (options.tlsFiles !== undefined && options.tlsSource !== undefined) {
    throw new RampartError('ERR_CONFIG_INVALID', 'issuer TLS: give tlsFiles or tlsSource, not both');
  }
  const initialTlsProblem = tlsProblem(options.tls, new Date(), options.tlsFiles);
  if (initialTlsProblem !== undefined) {
    throw new RampartError('ERR_CONFIG_INVALID', `issuer TLS: ${initialTlsProblem}. Fix: point issuer.tls.* at the issuer's certificate, its key and the trust bundle`);
  }
  const policies = new Map(parseClients(options.clients).map((p) => [p.clientId, p]));
  const keys = await loadSigningKeys(options.keysFile);
  const logger = options.logger ?? createLogger({ name: 'issuer' });
  if (keys.created) logger.info({ keysFile: options.keysFile, kid: keys.signingKid }, 'created a signing key');
  if (policies.size === 0) logger.warn('no clients configured: every token request will be refused');

  const delegations = new WeakMap<ClientCredentialsToken, Delegation>();
  let provider: Provider | undefined;
  let handle: ReturnType<Provider['callback']> | undefined;
  let url = options.issuerUrl ?? (options.port ? defaultUrl(host, options.port) : undefined);

  const build = (issuerUrl: string): Provider => {
    const built = new Provider(
      issuerUrl,
      providerConfiguration({ policies, privateJwks: keys.privateJwks, accessTokenTtlSec, delegations }),
    );
    registerTokenExchange(built, {
      policies,
      publicJwks: keys.publicJwks,
      accessTokenTtlSec,
      clockToleranceSec: options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
      delegations,
    });
    logEvents(built, logger);
    return built;
  };
  const start = (issuerUrl: string): Provider => {
    const built = build(issuerUrl);
    handle = built.callback();
    return built;
  };
  if (url !== undefined) provider = start(url);

  // The trust bundles by trust domain client certificates are checked against for each request (replaced with the TLS
  // files); TLS itself verifies against their union.
  let bundles = issuerTrustBundles(options.tls, options.tlsFiles);
  // Intermediates of client chains seen at full handshakes, for the resumed sessions that carry the leaf alone.
  const chains = new ChainMemory();
  const server: Server = createServer(
    {
      cert: options.tls.cert,
      key: options.tls.key,
      ca: bundles.pem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    tracedRequests((req, res) => {
      shutdown.track(res);
      if (handle === undefined) {
        res.writeHead(503).end();
        return;
      }
      // Read and check the client certificate now, before anything awaits: every check of this request uses it.
      recordRequestCertificate(req, verifyRequestCertificate(req.socket, bundles, new Date(), chains));
      void handle(req, res);
    }),
  );
  refuseRenegotiation(server, logger);
  const shutdown = new GracefulClose(server);

  let served: ServedTls = { cert: options.tls.cert, key: options.tls.key, bundles };
  const serve = (next: ServedTls): void => {
    server.setSecureContext({ cert: next.cert, key: next.key, ca: next.bundles.pem, minVersion: 'TLSv1.2' });
    served = next;
    bundles = next.bundles;
  };
  let watcher: TlsWatch | undefined;

  return {
    updateTls(tls: IssuerTls): void {
      const problem = tlsProblem(tls, new Date(), options.tlsFiles);
      if (problem !== undefined) throw new RampartError('ERR_CONFIG_INVALID', `issuer TLS: ${problem}`);
      serve({ cert: tls.cert, key: tls.key, bundles: issuerTrustBundles(tls, options.tlsFiles) });
    },
    async reloadTls(trigger = 'reloadTls()') {
      const reloaded = await watcher?.reload();
      if (reloaded === undefined) return undefined;
      const refused = reloaded.certificate.result === 'refused' || reloaded.trustBundles.result === 'refused';
      if (refused) logger.error({ trigger, ...reloaded }, 'issuer TLS files re-read: some refused, the previous ones stay in use');
      else logger.info({ trigger, ...reloaded }, 'issuer TLS files re-read');
      return reloaded;
    },
    get url(): string {
      if (url === undefined) throw new RampartError('ERR_APP_STATE', 'the issuer URL is known after listen()');
      return url;
    },
    get provider(): IssuerProvider {
      if (provider === undefined) throw new RampartError('ERR_APP_STATE', 'the provider is created at listen()');
      return provider;
    },
    signingKid: keys.signingKid,
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      url ??= defaultUrl(host, port);
      provider ??= start(url);
      if (options.tlsFiles !== undefined) watcher ??= watchTlsFiles(options.tlsFiles, () => served, serve, logger);
      if (options.tlsSource !== undefined) watcher ??= watchTlsSource(options.tlsSource, () => served, serve, logger);
      logger.info({ url, port, signingKid: keys.signingKid, clients: policies.size }, 'issuer listening');
      return { port, url };
    },
    close({ graceMs = 5_000 } = {}) {
      watcher?.stop();
      watcher = undefined;
      options.tlsSource?.close();
      return shutdown.close(graceMs, () => logger.warn({ graceMs }, 'issuer closing: requests still under way after the grace time are cut'));
    },
  };
}

function logEvents(provider: Provider, logger: Logger): void {
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: Error) => {
    const e = error as Error & { error?: string; error_description?: string; error_detail?: string };
    logger.warn(
      {
        ...requestFields(ctx),
        error: e.error,
        description: e.error_description,
        detail: e.error_detail ?? e.error_description,
      },
      'token request refused',
    );
  });
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    logger.info(requestFields(ctx), 'token issued');
  });
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
    logger.error({ err: error }, 'issuer error');
  });
}

/** The request's grant type, client and resource, and why its client certificate is not usable: never a token. */
function requestFields(ctx: KoaContextWithOIDC): Record<string, unknown> {
  // No params when the request failed before its body was read (a client that went away mid-body, say).
  const { params = {}, client } = ctx.oidc;
  const { problem } = requestCertificate(ctx);
  return {
    grantType: params['grant_type'],
    clientId: client?.clientId ?? params['client_id'],
    resource: params['resource'],
    ...(problem === undefined ? {} : { certificateProblem: problem }),
  };
}

function defaultUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `https://${name}:${port}`;
}

function checkIssuerUrl(value: string): void {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || value.endsWith('/')) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `issuer URL "${value}" must be an https URL with no path, query or fragment, e.g. https://localhost:9443`,
    );
  }
}
