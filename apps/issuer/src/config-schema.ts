import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '@rampart/config';
import { defineConfigSchema, RampartError, type ConfigOf, type Logger } from '@rampart/core';
import { transportSourceSetting, workloadApiSettings } from '@rampart/pki';
import { configuredEndpoint, workloadCertificateSource } from '@rampart/spiffe';
import { issuerTlsOf } from './tls-source.js';
import type { IssuerClientConfig } from './clients.js';
import type { IssuerOptions } from './create-issuer.js';

/** The repository's git-ignored folder for files made at run time (`src/` and `dist/` are both one level down). */
const RUNTIME_DIR = fileURLToPath(new URL('../../../.rampart/', import.meta.url));

/**
 * Defaults that point into the repository's git-ignored `.rampart/` folder: the dev PKI (`.rampart/pki`, made by
 * the demo or `ensureDevPki` with a workload named `issuer`) and the keys file.
 *
 * @example
 * ```ts
 * ISSUER_DEFAULT_PATHS.keysFile; // '/path/to/repo/.rampart/issuer/keys.json'
 * ```
 */
export const ISSUER_DEFAULT_PATHS = {
  keysFile: `${RUNTIME_DIR}issuer/keys.json`,
  certFile: `${RUNTIME_DIR}pki/issuer-chain.pem`,
  keyFile: `${RUNTIME_DIR}pki/issuer-key.pem`,
  caFile: `${RUNTIME_DIR}pki/ca.pem`,
} as const;

/** No federated trust domain: the default of `issuer.tls.federatedBundles`, typed as what the setting holds. */
const NO_FEDERATED_BUNDLES: Readonly<Record<string, string>> = {};
/** No clients: the default of `issuer.clients`, typed as the entries `createIssuer` checks (`parseClients`). */
const NO_CLIENTS: readonly IssuerClientConfig[] = [];

function issuerUrl(value: unknown): asserts value is string {
  if (value === '') return;
  if (typeof value !== 'string' || !URL.canParse(value) || new URL(value).protocol !== 'https:') {
    throw new Error('must be empty or an https URL, e.g. https://localhost:9443');
  }
}

/**
 * The issuer's convict schema, under `issuer.*`. Nothing in it is secret: the TLS key and the signing keys are files
 * named by path (keep them in a git-ignored folder, mode 0600).
 *
 * @example
 * ```ts
 * const config = loadConfig({ schemas: [issuerConfigSchema] }); // files from RAMPART_CONFIG, then env
 * const issuer = await createIssuer(await issuerOptionsFromConfig(config));
 * ```
 */
export const issuerConfigSchema = defineConfigSchema({
  issuer: {
    host: { doc: 'Address the issuer listens on.', format: String, default: '127.0.0.1', env: 'RAMPART_ISSUER_HOST' },
    port: { doc: 'HTTPS port of the issuer (0: a free one).', format: 'port', default: 9443, env: 'RAMPART_ISSUER_PORT' },
    url: {
      doc: 'Issuer identifier (`iss`) and base of its endpoints: an https URL without path. Empty: https://<host>:<port>.',
      format: issuerUrl,
      default: '',
      env: 'RAMPART_ISSUER_URL',
    },
    tls: {
      source: {
        ...transportSourceSetting,
        doc: "Where the issuer's certificate, key and trust bundles come from: files (issuer.tls.certFile, keyFile, caFile, federatedBundles; watched) or workload-api (the SPIFFE Workload API at issuer.workloadApi.address: the X.509-SVID and the bundles, own and federated, streamed into memory and rotated there; the issuer.tls file settings are then not read, and setting any of them as well stops start-up). See docs/security/spiffe.md.",
      },
      certFile: {
        doc: "PEM file of the issuer's server certificate (chain), e.g. from the dev PKI.",
        format: String,
        default: ISSUER_DEFAULT_PATHS.certFile,
        env: 'RAMPART_ISSUER_TLS_CERT_FILE',
      },
      keyFile: {
        doc: "PEM file of the server certificate's private key.",
        format: String,
        default: ISSUER_DEFAULT_PATHS.keyFile,
        env: 'RAMPART_ISSUER_TLS_KEY_FILE',
      },
      caFile: {
        doc: "Trust bundle of the issuer's own trust domain (PEM CA certificates or a SPIFFE bundle): client certificates of that trust domain must chain to it.",
        format: String,
        default: ISSUER_DEFAULT_PATHS.caFile,
        env: 'RAMPART_ISSUER_TLS_CA_FILE',
      },
      trustDomain: {
        doc: "The SPIFFE trust domain whose bundle caFile is. Empty: the trust domain of the SPIFFE ID in certFile.",
        format: String,
        default: '',
        env: 'RAMPART_ISSUER_TLS_TRUST_DOMAIN',
      },
      federatedBundles: {
        doc: 'Trust bundles of other SPIFFE trust domains, an object from trust domain to file (PEM or SPIFFE bundle), e.g. {"partner.example": "/etc/tls/partner.bundle.json"}. A client certificate counts only if it chains to the bundle of the trust domain in its own SPIFFE ID. Re-read like the other TLS files.',
        format: Object,
        default: NO_FEDERATED_BUNDLES,
        env: 'RAMPART_ISSUER_TLS_FEDERATED_BUNDLES',
      },
      refreshIntervalMs: {
        doc: 'How often the certificate, key and trust bundle files are re-read (SIGHUP re-reads them at once); a replaced, usable certificate and key pair, and replaced, usable trust bundles, serve new connections, each on its own (at least 100).',
        format: 'nat',
        default: 30_000,
        env: 'RAMPART_ISSUER_TLS_REFRESH_INTERVAL_MS',
      },
    },
    workloadApi: workloadApiSettings,
    keysFile: {
      doc: 'Signing keys (a JWK Set with private ES256 keys, mode 0600); created with one key when missing.',
      format: String,
      default: ISSUER_DEFAULT_PATHS.keysFile,
      env: 'RAMPART_ISSUER_KEYS_FILE',
    },
    accessTokenTtlSec: {
      doc: 'Lifetime of access tokens, in seconds, at least 1 (an exchanged token never outlives its subject token).',
      format: 'nat',
      default: 300,
      env: 'RAMPART_ISSUER_ACCESS_TOKEN_TTL_SEC',
    },
    clockToleranceSec: {
      doc: 'Allowed clock skew when verifying subject tokens for token exchange, in seconds.',
      format: 'nat',
      default: 5,
      env: 'RAMPART_ISSUER_CLOCK_TOLERANCE_SEC',
    },
    clients: {
      doc: 'Clients, a JSON array of { client_id, spiffe_id, audience?, resources: { "<audience URI>": ["scope", ...] }, exchange?: { "<audience URI>": { "<scope of the caller\'s token>": ["<scope there>", ...] } } }; an exchanged token gets at most the scopes its subject token\'s scopes map to.',
      format: Array,
      default: NO_CLIENTS,
      env: 'RAMPART_ISSUER_CLIENTS',
    },
    drainDelayMs: {
      doc:
        'After SIGTERM or SIGINT, how long the issuer keeps serving before it stops accepting connections, lets requests under way finish (up to 5 s) and exits: the ' +
        "time a load balancer or Kubernetes' endpoints need to stop sending new requests (5000 on Kubernetes). 0: close at once.",
      format: 'nat',
      default: 0,
      env: 'RAMPART_ISSUER_DRAIN_DELAY_MS',
    },
    logLevel: {
      doc: 'Lowest log level written.',
      format: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
      default: 'info',
      env: 'RAMPART_ISSUER_LOG_LEVEL',
    },
  },
});

/** The issuer's config, `issuer.*`. */
export type IssuerAppConfig = ConfigOf<typeof issuerConfigSchema>;

/**
 * Turns the loaded configuration into {@link IssuerOptions}, reading the TLS files.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` naming a TLS file that cannot be read, or, with `issuer.tls.source` =
 *   `workload-api`, naming each `issuer.tls.*` file setting that is set (it would be ignored) and where it was set.
 *
 * @example
 * ```ts
 * const options = await issuerOptionsFromConfig(loadConfig({ schemas: [issuerConfigSchema] }));
 * ```
 */
export async function issuerOptionsFromConfig(config: LoadedConfig<IssuerAppConfig>, logger?: Logger): Promise<IssuerOptions> {
  if (config.get('issuer.tls.source') === 'workload-api') return workloadApiIssuerOptions(config, logger);
  const read = async (key: 'issuer.tls.certFile' | 'issuer.tls.keyFile' | 'issuer.tls.caFile'): Promise<string> => {
    const path = config.get(key);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}). ` +
          'Create the dev PKI (pnpm demo does) or point the setting at your own file.',
        { cause: error },
      );
    }
  };
  const trustDomain = config.get('issuer.tls.trustDomain');
  const federatedFiles = config.get('issuer.tls.federatedBundles');
  const readFederated = async (domain: string, file: unknown): Promise<string> => {
    const key = `issuer.tls.federatedBundles[${JSON.stringify(domain)}]`;
    if (typeof file !== 'string' || file === '') {
      throw new RampartError('ERR_CONFIG_INVALID', `${key} must be a file path (a PEM or SPIFFE bundle file)`);
    }
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new RampartError('ERR_CONFIG_INVALID', `${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
        cause: error,
      });
    }
  };
  const url = config.get('issuer.url');
  return {
    host: config.get('issuer.host'),
    port: config.get('issuer.port'),
    ...(url === '' ? {} : { issuerUrl: url }),
    tls: {
      cert: await read('issuer.tls.certFile'),
      key: await read('issuer.tls.keyFile'),
      ca: await read('issuer.tls.caFile'),
      ...(trustDomain === '' ? {} : { trustDomain }),
      federatedBundles: Object.fromEntries(
        await Promise.all(Object.entries(federatedFiles).map(async ([domain, file]) => [domain, await readFederated(domain, file)] as const)),
      ),
    },
    tlsFiles: {
      certFile: config.get('issuer.tls.certFile'),
      keyFile: config.get('issuer.tls.keyFile'),
      caFile: config.get('issuer.tls.caFile'),
      ...(trustDomain === '' ? {} : { trustDomain }),
      federatedBundles: federatedFiles,
      refreshIntervalMs: config.get('issuer.tls.refreshIntervalMs'),
    },
    keysFile: config.get('issuer.keysFile'),
    accessTokenTtlSec: config.get('issuer.accessTokenTtlSec'),
    clockToleranceSec: config.get('issuer.clockToleranceSec'),
    clients: config.get('issuer.clients'),
  };
}

/** The `issuer.tls.*` settings that only the files source reads. */
const FILE_SOURCE_SETTINGS = [
  'issuer.tls.certFile',
  'issuer.tls.keyFile',
  'issuer.tls.caFile',
  'issuer.tls.trustDomain',
  'issuer.tls.federatedBundles',
  'issuer.tls.refreshIntervalMs',
] as const;

/**
 * With TLS from the Workload API the `issuer.tls.*` file settings are not read: one set anyway (from a file, the
 * environment or values, even to its default) stops start-up naming it, where it was set and the fix, rather than
 * being ignored without a word.
 */
function refuseFileSourceSettings(config: LoadedConfig<IssuerAppConfig>): void {
  const set = FILE_SOURCE_SETTINGS.map((key) => [key, config.sourceOf(key)] as const).filter(([, source]) => source !== 'default');
  if (set.length === 0) return;
  const where = set.map(([key, source]) => `${key} (${source})`).join(', ');
  const unset = set.map(([key, source]) => unsetFix(key, source)).join(', ');
  throw new RampartError(
    'ERR_CONFIG_INVALID',
    `issuer.tls.source is workload-api, which does not read ${where}: choose one. ` +
      `Fix: ${unset}; or set issuer.tls.source to files (RAMPART_TRANSPORT_SOURCE=files) to serve TLS from the files`,
  );
}

/** How to unset `key`, given `sourceOf`'s label of where it was set (`env:NAME`, `file:PATH` or `values`). */
function unsetFix(key: string, source: string): string {
  if (source.startsWith('env:')) return `unset ${source.slice('env:'.length)}`;
  if (source.startsWith('file:')) return `remove "${key}" from ${source.slice('file:'.length)}`;
  return `leave "${key}" out of the values given in code`;
}

/** The common options, with TLS from the SPIFFE Workload API: the first SVID is awaited here (or start-up stops). */
async function workloadApiIssuerOptions(config: LoadedConfig<IssuerAppConfig>, logger: Logger | undefined): Promise<IssuerOptions> {
  refuseFileSourceSettings(config);
  const address = configuredEndpoint(config.get('issuer.workloadApi.address'), 'issuer.workloadApi.address');
  const hint = config.get('issuer.workloadApi.svidHint');
  // The stream's breaks and refused answers are logged where the issuer logs (when given).
  const source = workloadCertificateSource({ address, ...(hint !== '' ? { hint } : {}), ...(logger ? { logger: logger.child({ component: 'workload-api' }) } : {}) });
  try {
    await source.ready;
  } catch (error) {
    source.close();
    throw new RampartError('ERR_CONFIG_INVALID', `issuer TLS from the Workload API at ${address}: ${(error as Error).message}`, { cause: error });
  }
  const url = config.get('issuer.url');
  return {
    host: config.get('issuer.host'),
    port: config.get('issuer.port'),
    ...(url === '' ? {} : { issuerUrl: url }),
    tls: issuerTlsOf(source),
    tlsSource: source,
    keysFile: config.get('issuer.keysFile'),
    accessTokenTtlSec: config.get('issuer.accessTokenTtlSec'),
    clockToleranceSec: config.get('issuer.clockToleranceSec'),
    clients: config.get('issuer.clients'),
  };
}
