import { DEV_ISSUER_URL } from '../dev/issuer-files.js';
import { rpcsOf, type ServicePlan } from './plan.js';

/** Where the dev PKI and issuer files are, relative to the app folder (where its scripts run). */
function runtimeFromApp(plan: ServicePlan): string {
  return plan.mode === 'standalone' ? '.rampart' : '../../.rampart';
}

/**
 * `config/dev.json`: the settings to run the app on this machine (`pnpm dev` / `npm run dev` sets
 * `RAMPART_CONFIG=config/dev.json`): TLS from the dev PKI, tokens from the dev issuer verified with its public keys.
 * No secrets: only paths. Every key is documented in the app's README.
 *
 * @example
 * ```ts
 * files.push({ path: 'config/dev.json', content: devConfigTemplate(plan) });
 * ```
 */
export function devConfigTemplate(plan: ServicePlan): string {
  const rt = runtimeFromApp(plan);
  return `${JSON.stringify(
    {
      server: { host: '127.0.0.1', port: plan.devPort },
      transport: {
        tls: { certFile: `${rt}/pki/${plan.name}-chain.pem`, keyFile: `${rt}/pki/${plan.name}-key.pem`, caFile: `${rt}/pki/ca.pem` },
      },
      auth: { tokens: { audience: plan.spiffeId, issuers: [{ issuer: DEV_ISSUER_URL, jwksFile: `${rt}/issuer/jwks.json` }] } },
      log: { level: 'info' },
    },
    null,
    2,
  )}\n`;
}

/**
 * `README.md` of a scaffolded app: what it is, how to test, run and call it, and every config key it sets.
 *
 * @example
 * ```ts
 * files.push({ path: 'README.md', content: readmeTemplate(plan) });
 * ```
 */
export function readmeTemplate(plan: ServicePlan): string {
  const rt = runtimeFromApp(plan);
  const mono = plan.mode === 'monorepo';
  const run = mono ? `pnpm --filter ${plan.packageName}` : 'npm run';
  const rampart = mono ? 'pnpm rampart' : 'npx rampart';
  const rows = rpcsOf(plan)
    .map((r) => `| \`${r.rpc}\` | ${r.comment} | \`${r.access === 'read' ? plan.scopes.read : plan.scopes.write}\` |`)
    .join('\n');
  return `# ${plan.packageName}

The ${plan.name} service, scaffolded by \`rampart new service\`: \`${plan.typeName}\` in
\`proto/${plan.protoFile}\`, served by \`src/${plan.name}-service.ts\`.

Every method needs a client certificate from the trust bundle (\`@RequireMtls()\`) and a bearer token for the audience
\`${plan.spiffeId}\` with the method's scope (\`@Authenticated\`):

| RPC | what | scope |
| --- | --- | --- |
${rows}

## Commands

\`\`\`sh
${run} test        # the tests: the app over TLS through @rampart/testing, with and without valid credentials
${mono ? `pnpm turbo run build --filter=${plan.packageName}` : `${run} build`}   # types from the .proto, then dist/
${rampart} generate ${mono ? `--app ${plan.name}` : ''}   # types again, after you edit the .proto
${run} dev         # starts it with config/dev.json on 127.0.0.1:${plan.devPort}
${rampart} routes ${mono ? `--app ${plan.name}` : '--app .'}   # who may call which method
\`\`\`

To call it by hand, mint a dev token for its audience (signed with the dev issuer's key; this also refreshes
\`${rt}/issuer/jwks.json\`, which \`config/dev.json\` trusts) and call with a workload certificate of the dev PKI
(\`pnpm demo\` makes one for \`demo-client\`, as does \`rampart certs issue spiffe://${plan.trustDomain}/demo-client\`). The keys
come from the dev issuer's first start (\`pnpm demo\` or \`pnpm dev\`):

\`\`\`sh
TOKEN=$(${mono ? 'pnpm -s rampart' : 'npx rampart'} token mint --aud ${plan.spiffeId} --scope "${plan.scopes.read} ${plan.scopes.write}" \\
  --bind ${rt.replace('../../', '')}/pki/demo-client.pem)   # bound to the certificate you call with (optional)
\`\`\`

A client sends it as \`authorization: Bearer $TOKEN\` over TLS with that certificate (\`createClient\` from
\`@rampart/client\`, or any gRPC client). Without the token the call ends UNAUTHENTICATED, without the scope
PERMISSION_DENIED.

## Configuration (\`config/dev.json\`)

Paths are relative to this folder, where the scripts run. Any key can also be set by its environment variable.

| key | env | value here | meaning |
| --- | --- | --- | --- |
| \`server.host\` | \`RAMPART_SERVER_HOST\` | \`127.0.0.1\` | address to listen on |
| \`server.port\` | \`RAMPART_SERVER_PORT\` | \`${plan.devPort}\` | port to listen on |
| \`transport.tls.certFile\` | \`RAMPART_TLS_CERT_FILE\` | \`${rt}/pki/${plan.name}-chain.pem\` | this workload's certificate chain (\`${plan.spiffeId}\`) |
| \`transport.tls.keyFile\` | \`RAMPART_TLS_KEY_FILE\` | \`${rt}/pki/${plan.name}-key.pem\` | its private key (a path: keys never go in config) |
| \`transport.tls.caFile\` | \`RAMPART_TLS_CA_FILE\` | \`${rt}/pki/ca.pem\` | trust bundle for client certificates |
| \`auth.tokens.audience\` | \`RAMPART_AUTH_AUDIENCE\` | \`${plan.spiffeId}\` | the \`aud\` tokens must name |
| \`auth.tokens.issuers\` | \`RAMPART_AUTH_ISSUERS\` | \`[{ issuer: ${DEV_ISSUER_URL}, jwksFile: ${rt}/issuer/jwks.json }]\` | trusted issuers and where their keys are |
| \`log.level\` | \`RAMPART_LOG_LEVEL\` | \`info\` | lowest log level written |
| \`log.format\` | \`RAMPART_LOG_FORMAT\` | \`pretty\` (set by the \`dev\` script; default \`auto\`) | \`json\` for log collectors, \`pretty\` for a terminal; \`auto\` is pretty on a TTY outside production |

In production, point the TLS settings at the files your platform mounts (cert-manager, SPIRE) and
\`auth.tokens.issuer\` at your issuer (keys through OIDC discovery). See docs/reference/configuration.md.
`;
}
