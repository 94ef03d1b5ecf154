import { defineConfigSchema, type ConfigOf } from '@rampart/core';
import type { transportTlsConfigSchema } from '@rampart/pki';
import { CLIENT_ASSERTION_ALGS, CLIENT_AUTH_METHODS } from '../tokens/client-authentication.js';

/** No scopes for any audience: the default of `auth.client.scopes`, typed as what the setting holds. */
const NO_SCOPES: Readonly<Record<string, readonly string[]>> = {};

/** The env var prefix of a target's settings, e.g. `RAMPART_CLIENTS_INVENTORY_`. */
export function targetEnvPrefix(name: string): string {
  return `RAMPART_CLIENTS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

/** The config schema of one outgoing target, under `clients.<name>.*`. */
export function targetSchema(name: string) {
  const env = targetEnvPrefix(name);
  return defineConfigSchema({
    address: {
      doc: `Where ${name} is: host:port, several as ipv4:a:1,b:2, or dns:///name:port (round-robin over the resolved addresses).`,
      format: String,
      default: '',
      env: `${env}ADDRESS`,
    },
    expectedServerId: {
      doc: `The SPIFFE ID ${name} must present (checked instead of the hostname). Required when tokens are sent to ${name} (audience set), unless allowUnpinnedServer.`,
      format: String,
      default: '',
      env: `${env}EXPECTED_SERVER_ID`,
    },
    allowUnpinnedServer: {
      doc: `Send tokens to ${name} without expectedServerId: any server whose certificate chains to the trust bundle and names the host gets them (every dev certificate names localhost). Logged as a warning at start-up; for migrations only.`,
      format: Boolean,
      default: false,
      env: `${env}ALLOW_UNPINNED_SERVER`,
    },
    audience: {
      doc: `The audience (resource indicator) of tokens for ${name}; empty sends no token.`,
      format: String,
      default: '',
      env: `${env}AUDIENCE`,
    },
    defaultDeadlineMs: {
      doc: `Deadline of a call to ${name} that sets none and has no parent call.`,
      format: 'nat',
      default: 5_000,
      env: `${env}DEFAULT_DEADLINE_MS`,
    },
    keepaliveMs: {
      doc: `HTTP/2 keepalive ping interval towards ${name} while calls are open (finds a server that vanished without closing the connection); 0 disables. Rampart (grpc-js) servers accept pings at any rate; a grpc-go, C-core or Envoy server must permit it (their default minimum is 5 minutes, else GOAWAY too_many_pings, after which grpc-js doubles the interval).`,
      format: 'nat',
      default: 30_000,
      env: `${env}KEEPALIVE_MS`,
    },
    minResolutionIntervalMs: {
      doc: `Shortest time between two DNS resolutions of ${name}'s target (grpc-js grpc.dns_min_time_between_resolutions_ms). A client re-resolves when a connection closes (GOAWAY at shutdown or max connection age), but not sooner than this after the last resolution: until then it knows only the old addresses, so a rollout that replaces every replica faster than this leaves it nowhere to send calls, and a new replica gets no calls from it before this has passed. 30000 is grpc-js's default; with a headless Service and rolling updates use about 1000.`,
      format: 'nat',
      default: 30_000,
      env: `${env}MIN_RESOLUTION_INTERVAL_MS`,
    },
    loadBalancingPolicy: {
      doc: `How calls to ${name} spread over the addresses its target resolves to: round_robin (a connection to each, e.g. every pod behind a headless Service) or pick_first (one connection).`,
      format: ['round_robin', 'pick_first'],
      default: 'round_robin',
      env: `${env}LOAD_BALANCING_POLICY`,
    },
    retry: {
      maxAttempts: {
        doc: `Attempts (the first included) of a call to a method of ${name} that the proto marks idempotency_level IDEMPOTENT or NO_SIDE_EFFECTS (or that retry.methods lists), when it ends with a status in retryableStatusCodes. 1 turns these retries off; at most 5. Calls that never reached the server are retried once regardless.`,
        format: 'nat',
        default: 3,
        env: `${env}RETRY_MAX_ATTEMPTS`,
      },
      initialBackoffMs: {
        doc: 'Upper bound of the random wait before the first retry; multiplied by backoffMultiplier for each next one.',
        format: 'nat',
        default: 100,
        env: `${env}RETRY_INITIAL_BACKOFF_MS`,
      },
      maxBackoffMs: {
        doc: 'Largest upper bound of the random wait between attempts.',
        format: 'nat',
        default: 1_000,
        env: `${env}RETRY_MAX_BACKOFF_MS`,
      },
      backoffMultiplier: {
        doc: 'Growth of the wait bound from one retry to the next.',
        format: Number,
        default: 2,
        env: `${env}RETRY_BACKOFF_MULTIPLIER`,
      },
      retryableStatusCodes: {
        doc: 'Status names that start another attempt, e.g. ["UNAVAILABLE"]. Only statuses that leave the server state unchanged belong here.',
        format: Array,
        default: ['UNAVAILABLE'] as string[],
        env: `${env}RETRY_RETRYABLE_STATUS_CODES`,
      },
      methods: {
        doc: `Further methods of ${name} (their .proto names, e.g. ["GetStock"]) to retry like idempotent ones, for protos that do not mark them.`,
        format: Array,
        default: [] as string[],
        env: `${env}RETRY_METHODS`,
      },
    },
  });
}

/** Settings of the workload's own token client, under `auth.client.*`. */
export const tokenClientSchema = defineConfigSchema({
  source: {
    doc: "Where the tokens of outgoing calls come from: issuer (OAuth 2.0 client credentials and token exchange at auth.client.issuer, bound to this workload's certificate) or workload-api (a JWT-SVID for each target's audience from the SPIFFE Workload API at transport.workloadApi.address, cached until shortly before it expires; no token exchange, so calls made as the caller are refused).",
    format: ['issuer', 'workload-api'],
    default: 'issuer',
    env: 'RAMPART_AUTH_CLIENT_SOURCE',
  },
  issuer: {
    doc: 'The issuer this workload gets tokens from (client credentials and token exchange); empty: no tokens.',
    format: String,
    default: '',
    env: 'RAMPART_AUTH_CLIENT_ISSUER',
  },
  clientId: {
    doc: "This workload's client_id at the issuer (often its SPIFFE ID).",
    format: String,
    default: '',
    env: 'RAMPART_AUTH_CLIENT_ID',
  },
  issuerCaFile: {
    doc: "Trust bundle for the issuer's HTTPS certificate; default: transport.tls.caFile, or with transport.source=workload-api the bundle of this workload's own trust domain from the Workload API.",
    format: String,
    default: '',
    env: 'RAMPART_AUTH_CLIENT_ISSUER_CA_FILE',
  },
  scopes: {
    doc: 'Scopes to ask for per audience, a JSON object such as {"inventory": ["inventory:reserve"]}.',
    format: Object,
    default: NO_SCOPES,
    env: 'RAMPART_AUTH_CLIENT_SCOPES',
  },
  authMethod: {
    doc: 'How this workload authenticates at the token endpoint: tls_client_auth (its certificate, whose SPIFFE ID the issuer registered; the default), self_signed_tls_client_auth (its certificate, compared with the one registered), private_key_jwt (a client assertion signed with privateKeyFile), client_secret_basic or client_secret_post (the secret from RAMPART_AUTH_CLIENT_SECRET_FILE). Requests always go over mutual TLS with the transport certificate, so issuers that bind tokens (RFC 8705) bind them to it.',
    format: [...CLIENT_AUTH_METHODS],
    default: 'tls_client_auth',
    env: 'RAMPART_AUTH_CLIENT_AUTH_METHOD',
  },
  privateKeyFile: {
    doc: 'private_key_jwt: PEM file (PKCS#8) of the key that signs client assertions; its public key is registered at the issuer. Re-read for each token request, so a rotated key is used at once.',
    format: String,
    default: '',
    env: 'RAMPART_AUTH_CLIENT_PRIVATE_KEY_FILE',
  },
  privateKeyAlg: {
    doc: 'private_key_jwt: the signature algorithm of client assertions; it must suit the key (ES256 for a P-256 key, RS256 or PS256 for RSA, EdDSA for Ed25519).',
    format: [...CLIENT_ASSERTION_ALGS],
    default: 'ES256',
    env: 'RAMPART_AUTH_CLIENT_PRIVATE_KEY_ALG',
  },
  privateKeyId: {
    doc: 'private_key_jwt: the kid put in client assertions, when the issuer holds several keys of this client; empty sends none.',
    format: String,
    default: '',
    env: 'RAMPART_AUTH_CLIENT_PRIVATE_KEY_ID',
  },
  privateKeyCertificateFile: {
    doc: "private_key_jwt: PEM file of the certificate of the assertion key, as registered at the issuer; client assertions then carry its x5t#S256 and x5t headers (Entra ID identifies the key by them). Empty: none.",
    format: String,
    default: '',
    env: 'RAMPART_AUTH_CLIENT_PRIVATE_KEY_CERTIFICATE_FILE',
  },
  assertionAudience: {
    doc: 'private_key_jwt: the aud of client assertions: issuer (the issuer identifier, RFC 7523bis; oidc-provider, Keycloak, Auth0) or token_endpoint (the token endpoint URL; Entra ID, Okta).',
    format: ['issuer', 'token_endpoint'],
    default: 'issuer',
    env: 'RAMPART_AUTH_CLIENT_ASSERTION_AUDIENCE',
  },
  secret: {
    doc: 'client_secret_basic / client_secret_post: the client secret. Only from the file named by RAMPART_AUTH_CLIENT_SECRET_FILE (read at start-up); RAMPART_AUTH_CLIENT_SECRET itself is refused.',
    format: String,
    default: '',
    sensitive: 'file',
    env: 'RAMPART_AUTH_CLIENT_SECRET',
  },
  audienceParameter: {
    doc: 'How token requests name the audience, as the issuer needs it: resource (RFC 8707: the sample issuer, Okta, SPIRE-fronted issuers), audience (Auth0), or scope (sends <audience>/.default: Entra ID; auth.client.scopes must then be empty).',
    format: ['resource', 'audience', 'scope'],
    default: 'resource',
    env: 'RAMPART_AUTH_CLIENT_AUDIENCE_PARAMETER',
  },
  tokenCacheMaxEntries: {
    doc: 'Most tokens the token client keeps (one per audience, one per caller token and audience exchanged); past it the least recently used is dropped. At least 1.',
    format: 'nat',
    default: 10_000,
    env: 'RAMPART_AUTH_CLIENT_TOKEN_CACHE_MAX_ENTRIES',
  },
});

/** The schema of the targets named `N`, each under `clients.<name>.*`, and of the token client, under `auth.client.*`. */
export type ClientsConfigSchema<N extends string = string> = {
  readonly clients: { readonly [K in N]: ReturnType<typeof targetSchema> };
  readonly auth: { readonly client: typeof tokenClientSchema };
};

/**
 * The config `rampartClients` reads for the targets named `N`: theirs, the token client's and the workload's TLS
 * files (`transport.tls.*`). With `N = string`, any target name: `clients.${string}.address`.
 *
 * @example
 * ```ts
 * type Config = ClientsConfig<'inventory'>; // { 'clients.inventory.address': string; 'auth.client.issuer': string; ... }
 * ```
 */
export type ClientsConfig<N extends string = string> = ConfigOf<[ClientsConfigSchema<N>, typeof transportTlsConfigSchema]>;

/** The token client's config, `auth.client.*`. */
export type TokenClientConfig = ConfigOf<{ readonly auth: { readonly client: typeof tokenClientSchema } }>;

/**
 * The config schema of `rampartClients` for the targets `names`.
 *
 * @example
 * ```ts
 * describeConfig([clientsConfigSchema(['inventory'])]); // the clients.inventory.* and auth.client.* settings
 * ```
 */
export function clientsConfigSchema<N extends string>(names: readonly N[]): ClientsConfigSchema<N> {
  const clients = Object.fromEntries(names.map((name) => [name, targetSchema(name)]));
  // Object.fromEntries types its keys as string: they are exactly `names`.
  return { clients: clients as ClientsConfigSchema<N>['clients'], auth: { client: tokenClientSchema } };
}
