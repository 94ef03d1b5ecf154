import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKERIGNORE, standaloneDockerfile, workspaceDockerfile } from '../src/scaffold/dockerfile-template.js';
import { dockerIgnores } from './dockerignore-match.js';
import { ignoreProblems, recipeProblems } from './dockerfile-rules.js';
import { REPO_ROOT } from './helpers.js';

// Item 2 of the production issue: each app's container recipe. No container engine is reachable here, so the
// recipe's content is checked by rule; the deploy step it runs is covered by apps/inventory/test/deploy.e2e.spec.ts.
const APPS = ['inventory', 'orders', 'issuer'];

describe('container recipes', () => {
  it.each(APPS)('apps/%s/Dockerfile: two stages, official Node LTS base, non-root, exec-form entrypoint, no keys', (app) => {
    const text = readFileSync(join(REPO_ROOT, 'apps', app, 'Dockerfile'), 'utf8');
    expect(recipeProblems(text)).toEqual([]);
    expect(text).toContain(`--filter @rampart/${app} deploy --prod /out`);
    expect(text).toContain(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).packageManager as string);
  });

  it.each(['inventory', 'orders'])('apps/%s/Dockerfile starts Node with the V8 settings the scaffold writes (ADRs 0054, 0056)', (app) => {
    const text = readFileSync(join(REPO_ROOT, 'apps', app, 'Dockerfile'), 'utf8');
    const scaffold = workspaceDockerfile({ appDir: `apps/${app}`, packageName: `@rampart/${app}`, packageManager: 'pnpm@10.34.9', ports: [50051], env: {} });
    const runtimeStart = (recipe: string): string[] =>
      recipe.split('\n').filter((line) => line.startsWith('ENTRYPOINT ') || line.startsWith('ENV NODE_OPTIONS='));
    expect(runtimeStart(scaffold)).toEqual(['ENV NODE_OPTIONS=--max-semi-space-size=16', 'ENTRYPOINT ["node", "--no-allocation-site-pretenuring", "dist/main.js"]']);
    expect(runtimeStart(text)).toEqual(runtimeStart(scaffold));
    expect(runtimeStart(standaloneDockerfile({ ports: [50051], env: {} }))).toEqual(runtimeStart(scaffold));
  });

  it('the repository .dockerignore keeps keys, certificates, secrets and build output out of the context, in any folder', () => {
    const repository = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');
    expect(ignoreProblems(repository)).toEqual([]);
    expect(repository).toBe(DOCKERIGNORE); // the one `rampart new service --standalone` writes
  });

  it("matches paths as docker build does: a pattern without **/ only at the context's root", () => {
    expect(dockerIgnores('*.pem', 'ca.pem')).toBe(true);
    expect(dockerIgnores('*.pem', 'apps/x/ca.pem')).toBe(false);
    expect(dockerIgnores('**/*.pem', 'ca.pem')).toBe(true);
    expect(dockerIgnores('**/*.pem', 'apps/x/ca.pem')).toBe(true);
    expect(dockerIgnores('.rampart', '.rampart/pki/ca.pem')).toBe(true);
    expect(dockerIgnores('.rampart', 'apps/x/.rampart/ca.pem')).toBe(false);
    expect(dockerIgnores('**/dist', 'packages/core/dist/index.js')).toBe(true);
    expect(dockerIgnores('**/results/*.json', 'apps/bench/results/run.json')).toBe(true);
    expect(dockerIgnores('**/results/*.json', 'apps/bench/results/sub/run.json')).toBe(false);
    expect(dockerIgnores('*.md\n!README.md', 'README.md')).toBe(false);
    expect(dockerIgnores('!README.md\n*.md', 'README.md')).toBe(true);
    expect(dockerIgnores('**', 'a/b/c')).toBe(true);
  });

  it('the scaffold templates pass the same rules', () => {
    const env = { RAMPART_SERVER_HOST: '0.0.0.0' };
    expect(recipeProblems(workspaceDockerfile({ appDir: 'apps/x', packageName: '@rampart/x', packageManager: 'pnpm@10.34.9', ports: [50051], env }))).toEqual([]);
    expect(recipeProblems(standaloneDockerfile({ ports: [50051], env }))).toEqual([]);
  });

  it('refuses a recipe that breaks each rule (the rules can fail)', () => {
    const bad = [
      'FROM node:24-bookworm-slim',
      'COPY . /app',
      'COPY .rampart/pki /app/pki',
      'ENV RAMPART_AUTH_HMAC_SECRET=abc',
      'RUN npm install',
      'CMD node dist/main.js',
    ].join('\n');
    const problems = recipeProblems(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/1 stage/),
        expect.stringMatching(/runs as root/),
        expect.stringMatching(/exec-form ENTRYPOINT/),
        expect.stringMatching(/COPY \.rampart\/pki/),
        expect.stringMatching(/a secret in the image/),
        expect.stringMatching(/production-only install/),
      ]),
    );
    expect(recipeProblems('FROM node:24 AS build\nRUN npm prune --omit=dev\nFROM alpine\nUSER 0\nENTRYPOINT ["node"]')).toEqual([
      'final stage from alpine, not an official Node 22/24 image',
      'final stage runs as root',
    ]);
    const rootOnly = ['.rampart', '*.pem', '*.key', '*.p12', '.env', '.env.*', 'node_modules', 'dist', '.git'].join('\n');
    expect(ignoreProblems(rootOnly)).toEqual([
      'apps/inventory/.rampart/issuer/keys.json reaches the build context',
      'apps/inventory/tls/server.pem reaches the build context',
      'packages/x/certs/client.key reaches the build context',
      'apps/issuer/keys/issuer.p12 reaches the build context',
      'apps/orders/.env reaches the build context',
      'apps/orders/.env.production reaches the build context',
      'apps/inventory/node_modules/@rampart/core reaches the build context',
      'packages/core/dist/index.js reaches the build context',
      'apps/inventory/src/generated/index.ts reaches the build context',
    ]);
    expect(ignoreProblems(`${DOCKERIGNORE}**/src\n`)).toEqual(['apps/inventory/src/app.ts is left out of the build context', 'packages/pki/src/index.ts is left out of the build context']);
  });

  it('builds with docker when a daemon is reachable', (ctx) => {
    let docker: boolean;
    try {
      execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
      docker = true;
    } catch {
      docker = false;
    }
    // No container engine on this kind of machine (CI included): the content rules above are the check here.
    if (!docker) return ctx.skip();
    execFileSync('docker', ['build', '-f', 'apps/inventory/Dockerfile', '-t', 'rampart/inventory:test', '.'], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 900_000 });
  }, 900_000);
});
