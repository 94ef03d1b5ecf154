import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CliError } from '../io.js';
import { appTemplate, indexTemplate, mainTemplate } from './app-template.js';
import { DOCKERIGNORE, standaloneDockerfile, workspaceDockerfile } from './dockerfile-template.js';
import { kubernetesTemplate, kustomizationTemplate } from './kubernetes-template.js';
import { packageJsonTemplate, STANDALONE_GITIGNORE, tsconfigTemplates, vitestConfigTemplate } from './package-template.js';
import type { ServicePlan } from './plan.js';
import { protoTemplate } from './proto-template.js';
import { devConfigTemplate, readmeTemplate } from './readme-template.js';
import { itemStoreTemplate, serviceTemplate } from './service-template.js';
import { testTemplate } from './test-template.js';

/**
 * A file to write: its absolute path and content.
 *
 * @example
 * ```ts
 * const file: ScaffoldFile = { path: '/srv/my-repo/apps/payments/src/app.ts', content: '…' };
 * ```
 */
export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Every file of a scaffolded service: the `.proto` under the proto root, and the app's files.
 *
 * @example
 * ```ts
 * scaffoldFiles(plan, '0.1.0').map((f) => f.path);
 * ```
 */
export function scaffoldFiles(plan: ServicePlan, cliVersion: string): ScaffoldFile[] {
  const { tsconfig, tsconfigBuild } = tsconfigTemplates(plan);
  const app: [string, string][] = [
    ['package.json', packageJsonTemplate(plan, cliVersion)],
    ['tsconfig.json', tsconfig],
    ['tsconfig.build.json', tsconfigBuild],
    ['vitest.config.ts', vitestConfigTemplate(plan)],
    ['README.md', readmeTemplate(plan)],
    ['config/dev.json', devConfigTemplate(plan)],
    ['src/app.ts', appTemplate(plan)],
    ['src/main.ts', mainTemplate(plan)],
    ['src/index.ts', indexTemplate(plan)],
    [`src/${plan.name}-service.ts`, serviceTemplate(plan)],
    ['src/item-store.ts', itemStoreTemplate(plan)],
    [`test/${plan.name}.spec.ts`, testTemplate(plan)],
  ];
  app.push(
    ['Dockerfile', dockerfileOf(plan)],
    ['deploy/kubernetes/kustomization.yaml', kustomizationTemplate(plan)],
    [`deploy/kubernetes/${plan.name}.yaml`, kubernetesTemplate(plan)],
  );
  if (plan.mode === 'standalone') app.push(['.gitignore', STANDALONE_GITIGNORE], ['.dockerignore', DOCKERIGNORE]);
  return [
    { path: join(plan.protoRoot, plan.protoFile), content: protoTemplate(plan) },
    ...app.map(([path, content]) => ({ path: join(plan.appDir, path), content })),
  ];
}

/** Settings every container of a scaffolded service has: listen on all interfaces, serve the probes' health port. */
const CONTAINER_ENV = { RAMPART_SERVER_HOST: '0.0.0.0', RAMPART_SERVER_HEALTH_PORT: '8081' };

/** The service's container recipe: built from the workspace root with the pnpm it pins, or from the project folder. */
function dockerfileOf(plan: ServicePlan): string {
  const ports = [50051, 8081]; // server.port's default: in its own container, no port to share
  if (plan.mode === 'standalone') return standaloneDockerfile({ ports, env: CONTAINER_ENV });
  const manifest = join(plan.root, 'package.json');
  const pinned = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { packageManager?: unknown }).packageManager : undefined;
  return workspaceDockerfile({
    appDir: relative(plan.root, plan.appDir),
    packageName: plan.packageName,
    packageManager: typeof pinned === 'string' && pinned.startsWith('pnpm@') ? pinned : 'pnpm@10',
    ports,
    env: CONTAINER_ENV,
  });
}

/**
 * Refuses to scaffold over anything: an existing app folder (standalone: a non-empty folder) or proto file.
 *
 * @throws CliError naming what exists; nothing has been written.
 *
 * @example
 * ```ts
 * assertTargetsFree(plan);
 * ```
 */
export function assertTargetsFree(plan: ServicePlan): void {
  const protoPath = join(plan.protoRoot, plan.protoFile);
  const taken: string[] = [];
  if (plan.mode === 'monorepo' && existsSync(plan.appDir)) taken.push(`${relative(plan.root, plan.appDir)}/`);
  if (plan.mode === 'standalone' && existsSync(plan.appDir) && readdirSync(plan.appDir).length > 0) taken.push(`${plan.appDir} (not empty)`);
  if (existsSync(protoPath)) taken.push(relative(plan.root, protoPath));
  if (taken.length > 0) {
    throw new CliError(`${taken.join(' and ')} already exist${taken.length === 1 ? 's' : ''}: nothing was written. Choose another name or remove it first.`);
  }
}

/**
 * Writes the files, each exclusively (an existing file is never replaced). When one cannot be written, the files
 * written so far are removed again and the error is rethrown.
 *
 * @example
 * ```ts
 * writeScaffold(scaffoldFiles(plan, version));
 * ```
 */
export function writeScaffold(files: readonly ScaffoldFile[]): void {
  const written: string[] = [];
  try {
    for (const file of files) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.content, { flag: 'wx' });
      written.push(file.path);
    }
  } catch (error) {
    for (const path of written) rmSync(path, { force: true });
    throw new CliError(`could not write the service: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
