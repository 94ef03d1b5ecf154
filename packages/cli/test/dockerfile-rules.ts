import { dockerIgnores } from './dockerignore-match.js';

/** One instruction of a Dockerfile: its keyword and arguments (continuation lines joined, comments dropped). */
interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Paths no layer may hold: local keys, certificates, secrets and the dev PKI. */
const SECRET_PATH = /(^|[\s/])(\.rampart|\.env)\b|\.(pem|key|p12)\b/;
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|PRIVATE|_KEY)[A-Z_]*=/;

/**
 * What is wrong with a container recipe, by the rules of the production issue: at least two stages, the last from
 * an official Node image, a non-root user there, an exec-form ENTRYPOINT (SIGTERM reaches Node as PID 1), no
 * COPY/ADD of keys, certificates or `.env` files in any stage, no secret-looking ENV, the final stage copying only
 * from the build stage, and a production-only install (`deploy --prod` or `prune --omit=dev`).
 */
export function recipeProblems(text: string): string[] {
  const all = instructions(text);
  const problems: string[] = [];
  const stageStarts = all.flatMap((ins, i) => (ins.keyword === 'FROM' ? [i] : []));
  if (stageStarts.length < 2) problems.push(`${stageStarts.length} stage(s): build and runtime must be separate`);
  const final = all.slice(stageStarts.at(-1) ?? 0);
  const base = final[0]?.args.split(/\s+/)[0] ?? '';
  const args = new Map(all.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]));
  const image = base.replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args.get(name) ?? '');
  if (!/^(docker\.io\/(library\/)?)?node:(22|24)[\w.-]*$/.test(image)) problems.push(`final stage from ${image || base}, not an official Node 22/24 image`);
  const users = final.filter((i) => i.keyword === 'USER').map((i) => i.args);
  if (users.length === 0 || /^(root|0)(:|$)/.test(users.at(-1) as string)) problems.push('final stage runs as root');
  const entry = final.filter((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD').at(-1);
  if (!entry || !/^\[\s*"node"/.test(entry.args)) problems.push('no exec-form ENTRYPOINT starting node (signals must reach Node)');
  for (const ins of all) {
    if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && SECRET_PATH.test(ins.args)) problems.push(`${ins.keyword} ${ins.args}: keys and secrets never go in a layer`);
    if ((ins.keyword === 'ENV' || ins.keyword === 'ARG') && SECRET_NAME.test(ins.args)) problems.push(`${ins.keyword} ${ins.args}: a secret in the image`);
  }
  for (const ins of final) {
    if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && !ins.args.startsWith('--from=build')) problems.push(`final stage ${ins.keyword} ${ins.args}: only the build's output belongs there`);
    if (ins.keyword === 'RUN' && /\b(npm|pnpm)\s+(ci|install)\b/.test(ins.args)) problems.push(`final stage installs packages: ${ins.args}`);
  }
  if (!all.some((i) => i.keyword === 'RUN' && /deploy --prod|prune --omit=dev/.test(i.args))) problems.push('no production-only install (pnpm deploy --prod or npm prune --omit=dev)');
  return problems;
}

/**
 * Paths a build context must never carry (keys, certificates, secrets and the dev PKI in any folder; build output and
 * node_modules the build makes itself; git history), and paths the build needs.
 */
export const MUST_IGNORE = [
  '.rampart/pki/ca-key.pem',
  'apps/inventory/.rampart/issuer/keys.json',
  'server.pem',
  'apps/inventory/tls/server.pem',
  'packages/x/certs/client.key',
  'apps/issuer/keys/issuer.p12',
  '.env',
  'apps/orders/.env',
  'apps/orders/.env.production',
  'node_modules/vitest/package.json',
  'apps/inventory/node_modules/@rampart/core',
  'packages/core/dist/index.js',
  'apps/inventory/src/generated/index.ts',
  '.git/HEAD',
];
export const MUST_KEEP = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'apps/inventory/src/app.ts', 'proto/rampart/demo/inventory/v1/inventory.proto', 'packages/pki/src/index.ts'];

/** What a `.dockerignore` lets into the context that must stay out, and what it keeps out that the build needs. */
export function ignoreProblems(dockerignore: string): string[] {
  return [
    ...MUST_IGNORE.filter((path) => !dockerIgnores(dockerignore, path)).map((path) => `${path} reaches the build context`),
    ...MUST_KEEP.filter((path) => dockerIgnores(dockerignore, path)).map((path) => `${path} is left out of the build context`),
  ];
}
