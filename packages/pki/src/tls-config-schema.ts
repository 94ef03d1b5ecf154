import { defineConfigSchema } from '@rampart/core';

/** No federated trust domain: the default of `federatedBundles`, typed as what the setting holds. */
const NO_FEDERATED_BUNDLES: Readonly<Record<string, string>> = {};

/**
 * The settings of a workload's own TLS files: its certificate and key, the trust bundle of its trust domain and
 * those of federated ones, how often they are re-read. An app has them under `transport.tls.*`: the server's
 * schema nests this group there, and {@link transportTlsConfigSchema} is the fragment for a plugin that reads them
 * (rampartClients' channels use the same files).
 */
export const workloadTlsSettings = defineConfigSchema({
  certFile: {
    doc: "PEM file with this workload's certificate chain (leaf first). Watched: a replaced file is used for new connections.",
    format: String,
    default: '',
    env: 'RAMPART_TLS_CERT_FILE',
  },
  keyFile: {
    doc: "PEM file with this workload's private key (a path: the key itself never goes in config). Watched like certFile.",
    format: String,
    default: '',
    env: 'RAMPART_TLS_KEY_FILE',
  },
  caFile: {
    doc: "Trust bundle of this workload's own trust domain (see trustDomain): PEM CA certificates or a SPIFFE bundle (JWK Set). Peers of that trust domain must chain to it. During a CA rotation, list old and new. Watched.",
    format: String,
    default: '',
    env: 'RAMPART_TLS_CA_FILE',
  },
  trustDomain: {
    doc: "The SPIFFE trust domain whose bundle caFile is. Empty: the trust domain of the SPIFFE ID in certFile.",
    format: String,
    default: '',
    env: 'RAMPART_TLS_TRUST_DOMAIN',
  },
  federatedBundles: {
    doc: 'Trust bundles of other SPIFFE trust domains, as an object from trust domain to file, e.g. {"partner.example": "/etc/tls/partner.bundle.json"} (PEM CA certificates or a SPIFFE bundle, the JWK Set a SPIRE federation endpoint serves). A peer certificate counts only if it chains to the bundle of the trust domain in its own SPIFFE ID. Watched.',
    format: Object,
    default: NO_FEDERATED_BUNDLES,
    env: 'RAMPART_TLS_FEDERATED_BUNDLES',
  },
  refreshIntervalMs: {
    doc: 'How often the certificate, key and trust bundle files are re-read (SIGHUP re-reads them at once). A certificate and key are taken only as a matching, usable pair: one written before the other, or half written, keeps the previous pair until both are complete. Clients of rampartClients use it too.',
    format: 'nat',
    default: 30_000,
    env: 'RAMPART_TLS_REFRESH_INTERVAL_MS',
  },
  loadTimeoutMs: {
    doc: 'How long listen() waits for the first load of the TLS files before it fails.',
    format: 'nat',
    default: 10_000,
    env: 'RAMPART_TLS_LOAD_TIMEOUT_MS',
  },
});

/**
 * `transport.source`: where a workload's certificate, key and trust bundles come from. The server's schema and
 * {@link transportTlsConfigSchema} hold it beside `transport.tls.*` and {@link workloadApiSettings}.
 */
export const transportSourceSetting = {
  doc: "Where this workload's certificate, key and trust bundles come from: files (transport.tls.certFile, keyFile, caFile, federatedBundles; watched) or workload-api (the SPIFFE Workload API of a SPIRE agent: X.509-SVIDs and bundles streamed into memory and rotated there, no files; see docs/security/spiffe.md). The server, rampartClients' channels and the token client all use it.",
  format: ['files', 'workload-api'],
  default: 'files',
  env: 'RAMPART_TRANSPORT_SOURCE',
} as const;

/** `transport.workloadApi.*`: how to reach the SPIFFE Workload API when `transport.source` is `workload-api`. */
export const workloadApiSettings = defineConfigSchema({
  address: {
    doc: 'The SPIFFE Workload API endpoint when transport.source is workload-api: unix:///absolute/path, unix:@abstract-name or tcp://IP:port. Empty: the SPIFFE_ENDPOINT_SOCKET environment variable, as every SPIFFE library reads it.',
    format: String,
    default: '',
    env: 'RAMPART_WORKLOAD_API_ADDRESS',
  },
  svidHint: {
    doc: 'Which of the X.509-SVIDs the agent gives this workload to use, by its hint (the registration entry\'s hint). Empty: the first (the default SVID, per the SPIFFE spec).',
    format: String,
    default: '',
    env: 'RAMPART_WORKLOAD_API_SVID_HINT',
  },
});

/**
 * The `transport.tls.*` fragment ({@link workloadTlsSettings} under `transport.tls`). A plugin that reads these keys
 * lists it in its `configSchema`, which types them for it; the server's schema declares the same settings, so they
 * count once.
 *
 * @example
 * ```ts
 * definePlugin({ name: 'mtls-audit', configSchema: transportTlsConfigSchema, register: ({ config }) => watch(config.get('transport.tls.caFile')) });
 * ```
 */
export const transportTlsConfigSchema = defineConfigSchema({
  transport: { source: transportSourceSetting, workloadApi: workloadApiSettings, tls: workloadTlsSettings },
});
