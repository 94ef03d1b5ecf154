/** The official Node image every Rampart container starts from: the current Active LTS, Debian slim. */
export const NODE_IMAGE = 'node:24-bookworm-slim';

/**
 * How the runtime stage starts Node on {@link NODE_IMAGE}: V8 settings for a gRPC server under load, measured on
 * Node 24 (ADRs 0054 and 0056, docs/benchmarks.md). `--max-semi-space-size` goes in `NODE_OPTIONS`, which accepts it;
 * `--no-allocation-site-pretenuring` is not allowed there, so it is on the command line.
 */
const RUNTIME_START = `# Node 24 lets V8's young generation grow to 64 MB; under load a gRPC server then keeps 7-8 MB alive through each
# scavenge, and those 20-50 ms pauses set its p99: 16 MB semi-spaces halve them (ADR 0054). In a process the size
# of a real app, Node 24's V8 also starts allocating some of grpc-js's per-call objects straight in the old
# generation; dead there, they keep later calls' objects alive through scavenges until the next full GC, so
# ENTRYPOINT turns that off with --no-allocation-site-pretenuring (ADR 0056). Both are measured on Node 24 only
# (docs/guides/deploy-kubernetes.md).
ENV NODE_OPTIONS=--max-semi-space-size=16`;

const ENTRYPOINT = 'ENTRYPOINT ["node", "--no-allocation-site-pretenuring", "dist/main.js"]';

/** What a workspace app's container recipe needs to know. */
export interface ContainerRecipe {
  /** The app's folder relative to the workspace root, e.g. `apps/inventory`. */
  readonly appDir: string;
  /** Its package name, e.g. `@rampart/inventory`. */
  readonly packageName: string;
  /** The pnpm the workspace pins (`packageManager`), e.g. `pnpm@10.34.9`. */
  readonly packageManager: string;
  /** Ports the app listens on, for `EXPOSE`. */
  readonly ports: readonly number[];
  /** Settings baked into the image: only ones true of every container (listen address), never secrets. */
  readonly env: Readonly<Record<string, string>>;
}

const envLines = (env: Readonly<Record<string, string>>): string =>
  Object.entries({ NODE_ENV: 'production', ...env })
    .map(([key, value]) => `ENV ${key}=${value}`)
    .join('\n');

/**
 * The multi-stage `Dockerfile` of an app in a pnpm workspace (build context: the workspace root). The build stage
 * installs from the lockfile, builds the app and its workspace dependencies and runs `pnpm deploy --prod`; the
 * runtime stage holds that folder only (no dev dependencies, no sources, no keys: certificates and keys are mounted
 * at run time), runs as the image's non-root `node` user and starts Node as PID 1 in exec form, so SIGTERM reaches
 * the app's own shutdown sequence.
 *
 * @example
 * ```ts
 * workspaceDockerfile({ appDir: 'apps/inventory', packageName: '@rampart/inventory', packageManager: 'pnpm@10.34.9', ports: [50051, 8081], env: { RAMPART_SERVER_HOST: '0.0.0.0' } });
 * ```
 */
export function workspaceDockerfile(recipe: ContainerRecipe): string {
  const { appDir, packageName, packageManager, ports } = recipe;
  return `# syntax=docker/dockerfile:1
# ${packageName} as a container image. Build from the workspace root (the .dockerignore there keeps keys,
# certificates, node_modules and build output out of the context):
#   docker build -f ${appDir}/Dockerfile -t ${packageName.replace(/^@/, '')} .
# Config comes from RAMPART_* variables and mounted files (certificates, keys, bundles); none is baked in.
ARG NODE_IMAGE=${NODE_IMAGE}

FROM \${NODE_IMAGE} AS build
ENV TURBO_TELEMETRY_DISABLED=1
WORKDIR /src
RUN npm install --global --no-fund --no-audit ${packageManager}
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile \\
 && pnpm exec turbo run build --filter=${packageName}... \\
 && pnpm --config.inject-workspace-packages=true --filter ${packageName} deploy --prod /out

FROM \${NODE_IMAGE} AS runtime
${RUNTIME_START}
${envLines(recipe.env)}
WORKDIR /app
# Owned by root and read-only to the app's user: the app never writes its own code.
COPY --from=build /out /app
USER node
EXPOSE ${ports.join(' ')}
${ENTRYPOINT}
`;
}

/**
 * The `Dockerfile` of a standalone project (npm, build context: the project folder): the same two stages, with
 * `npm prune --omit=dev` in place of `pnpm deploy`; the protos travel in `proto/`.
 *
 * @example
 * ```ts
 * standaloneDockerfile({ ports: [50051, 8081] });
 * ```
 */
export function standaloneDockerfile(recipe: Pick<ContainerRecipe, 'ports' | 'env'>): string {
  return `# syntax=docker/dockerfile:1
# This service as a container image. Build from this folder:  docker build -t my-service .
# Config comes from RAMPART_* variables and mounted files (certificates, keys, bundles); none is baked in.
ARG NODE_IMAGE=${NODE_IMAGE}

FROM \${NODE_IMAGE} AS build
WORKDIR /src
COPY package*.json ./
RUN if [ -f package-lock.json ]; then npm ci --no-fund --no-audit; else npm install --no-fund --no-audit; fi
COPY . .
RUN npm run build && npm prune --omit=dev

FROM \${NODE_IMAGE} AS runtime
${RUNTIME_START}
${envLines(recipe.env)}
WORKDIR /app
COPY --from=build /src/package.json /app/package.json
COPY --from=build /src/node_modules /app/node_modules
COPY --from=build /src/dist /app/dist
COPY --from=build /src/proto /app/proto
USER node
EXPOSE ${recipe.ports.join(' ')}
${ENTRYPOINT}
`;
}

/**
 * The `.dockerignore` of a build context: what must never reach an image layer, and what the build makes itself.
 * Docker matches a pattern from the context's root only (`*.pem` is a root-level file, unlike in `.gitignore`), so
 * anything that may sit in any folder starts with a `**` segment, which matches zero folders too.
 */
export const DOCKERIGNORE = `# Never in an image: keys, certificates, local config and secrets, in any folder
# (a .dockerignore pattern without **/ matches at the root of the context only)
**/.rampart
**/*.pem
**/*.key
**/*.p12
**/.env
**/.env.*
**/config/*.local.json
# Made by the build inside the image
**/node_modules
**/dist
**/*.tsbuildinfo
**/src/generated
**/test/generated
# Not needed to build
.git
.turbo
**/.turbo
**/.vitest
**/coverage
**/results/*.json
`;
