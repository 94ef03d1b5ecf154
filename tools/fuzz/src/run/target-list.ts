/**
 * The fuzz targets `pnpm fuzz` runs, each a module in `src/targets/` exporting `fuzz(data: Buffer)`, with a seed
 * corpus in `corpus/<name>/` (committed) and optionally a libFuzzer dictionary `corpus/<name>.dict`.
 */
export interface TargetSpec {
  readonly name: string;
  /** What it feeds, and to which code. */
  readonly what: string;
  /** Whether `fuzz` returns a promise (Jazzer.js then runs it asynchronously, which is slower). */
  readonly async: boolean;
  /** Parts of file paths whose code Jazzer.js instruments for coverage: the code under test, not the harness. */
  readonly instrument: readonly string[];
}

const CORE = 'packages/core/dist/';

export const TARGETS: readonly TargetSpec[] = [
  { name: 'bearer', what: 'authorization metadata values -> bearerTokenOf', async: false, instrument: ['packages/auth/dist/pipeline/', CORE] },
  { name: 'token', what: 'token text, or claims signed with the issuer key -> TokenVerifier.verify', async: true, instrument: ['packages/auth/dist/tokens/', CORE] },
  { name: 'discovery-jwks', what: 'OIDC discovery document + JWKS bodies -> TokenVerifier (discovery, fetch limits, key selection)', async: true, instrument: ['packages/auth/dist/tokens/', CORE] },
  { name: 'spiffe-id', what: 'any text -> parseSpiffeId / formatSpiffeId', async: false, instrument: [CORE] },
  { name: 'san-text', what: 'Node SAN text, any or Node-written -> parseSubjectAltNames', async: false, instrument: [CORE] },
  { name: 'peer-certificate', what: 'certificates with any SANs -> identityFromDer (server peer identity)', async: true, instrument: ['packages/server/dist/tls/peer-identity', CORE] },
  { name: 'trust-bundle', what: 'PEM / SPIFFE bundle text -> parseTrustBundle, formatSpiffeBundle, TrustDomainBundles', async: false, instrument: ['packages/pki/dist/trust-', 'packages/pki/dist/chain-'] },
  { name: 'config', what: 'environment + config file -> loadConfig with the server and auth schemas', async: false, instrument: ['packages/config/dist/'] },
  { name: 'grpc-frame', what: 'a byte stream in any chunks -> the bench generator\'s FrameDecoder and decodeEcho', async: false, instrument: ['apps/bench/dist/load/grpc-frame'] },
];
