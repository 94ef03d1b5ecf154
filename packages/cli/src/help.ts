/** The help text of each command, and of the CLI as a whole (`main`). */
export const HELP: Readonly<Record<string, string>> = {
  main: `Usage: rampart <command> [options]

Commands:
  new service <name>        scaffold a secure service: .proto, app, config, tests; registers it with the dev PKI and issuer
  certs init|issue|show     the development CA and workload certificates
  token mint                a development access token signed with the dev issuer's key
  routes                    the auth matrix of an app: who may call which method
  generate                  regenerate TypeScript types from the .proto files

Run "rampart <command> --help" for a command's options. Exit codes: 0 ok, 1 failure, 2 usage error.
Docs: docs/guides/cli.md`,

  new: `Usage: rampart new service <name> [options]

Writes proto/<package path>/<name>.proto and apps/<name> (a decorated service class with one example method per
call kind, src/app.ts, src/main.ts, config/dev.json, a test through the testing harness), issues the workload's
certificate into .rampart/pki, registers it in .rampart/issuer/clients.json, then runs pnpm install and builds it.
An existing app directory or proto file is refused: nothing is overwritten.

  <name>                    lowercase letters, digits and dashes, starting with a letter (e.g. payments)
  --proto-package <pkg>     proto package (default <protoPackagePrefix>.<name>.v1 from the workspace settings, else
                            <name>.v1; dashes as underscores). --package is the old name of this flag
  --trust-domain <domain>   SPIFFE trust domain (default: trustDomain from the workspace settings, else the
                            placeholder example.org)
  --kinds <list>            call kinds to include: unary,server-stream,client-stream,bidi (default all)
  --standalone <dir>        write a self-contained project into <dir> that depends on the published packages
  --root <dir>              the monorepo to write into (default: found from the current directory)
  --no-install              do not run pnpm install and the build afterwards
  -h, --help                this help

Workspace settings: rampart.config.json at the workspace root (or a "rampart" key in its package.json), e.g.
  { "protoPackagePrefix": "acme.shop", "trustDomain": "prod.acme.com" }
A standalone service reads them from the current directory or the nearest one above that has them.`,

  certs: `Usage: rampart certs <init|issue|show> [options]

  init                      create the dev CA in the PKI folder (kept if still good), renewing existing workloads
  issue <spiffe-id>         issue a workload certificate (serverAuth + clientAuth, 24 h) from the dev CA
  show <file>               print a certificate: subject, issuer, SANs, SPIFFE ID, validity, x5t#S256 thumbprint

  --dir <dir>               the PKI folder (default .rampart/pki at the repository root)
  --trust-domain <domain>   init: trust domain of kept workloads (default demo.rampart.dev)
  --out <dir>               issue: where to write <name>.pem, <name>-key.pem, <name>-chain.pem (default: --dir)
  --name <stem>             issue: file name stem (default: the last segment of the SPIFFE ID's path)
  --dns <name>              issue: DNS SAN, repeatable or comma-separated (default localhost)
  --ip <address>            issue: IP SAN, repeatable or comma-separated (default 127.0.0.1,::1)
  --hours <n>               issue: validity in hours (default 24)
  --force                   issue: replace existing files
  --json                    show: print JSON
  -h, --help                this help`,

  token: `Usage: rampart token mint --aud <audience> --scope <scopes> [options]

Prints a development access token (ES256, typ at+jwt) signed with the dev issuer's key: the first private ES256 key
in .rampart/issuer/keys.json (created by the issuer on its first start: run "pnpm demo" or "pnpm dev" once). Also
writes the public keys next to it as jwks.json, which the dev config of generated apps trusts.

  --aud <audience>          aud, e.g. spiffe://demo.rampart.dev/payments (required)
  --scope <scopes>          space- or comma-separated scopes (required; "" for none)
  --sub <subject>           sub (default dev-user)
  --ttl <seconds>           lifetime in seconds (default 300)
  --bind <cert.pem>         bind the token to this certificate: cnf["x5t#S256"]
  --issuer <url>            iss (default https://127.0.0.1:9443, the issuer's default URL)
  --client-id <id>          client_id claim (default: none)
  --keys <file>             the keys file (default .rampart/issuer/keys.json at the repository root)
  -h, --help                this help`,

  routes: `Usage: rampart routes [--app <name|dir>] [--format table|json|markdown]

Prints every method of an app with what protects it: mTLS rule, token rule, scopes, policies, public, and the
interceptors that run for it. It is the data of the start-up check: the app's options come from the exported <name>AppOptions() of its dist/app.js, and planApp()
plans the app as createApp() does, with nothing configured: no config or environment read, no certificates, no plugin
started, nothing listening or connecting. An app that would refuse to start prints its problems instead.

  --app <name|dir>          an app under apps/, or an app directory (default: the app the current directory is in)
  --format <f>              table (default), json or markdown
  --no-build                in the monorepo, do not build an app whose dist/ is missing or older than src/
  -h, --help                this help`,

  generate: `Usage: rampart generate [--app <name|dir>]

Regenerates TypeScript types from .proto files for every workspace package with a "generate" script (or one app):
"rampart-codegen ..." scripts run in-process, other scripts through the shell. The build runs the same step.

  --app <name|dir>          only this app or package
  -h, --help                this help`,
};

/**
 * The help text of a topic (a command name), or the CLI's overview.
 *
 * @example
 * ```ts
 * io.out(helpFor('certs'));
 * ```
 */
export function helpFor(topic: string | undefined): string {
  return `${HELP[topic ?? 'main'] ?? HELP['main']}\n`;
}
