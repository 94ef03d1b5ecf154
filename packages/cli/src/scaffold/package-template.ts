import type { ServicePlan } from './plan.js';
import { THIRD_PARTY_VERSIONS as V } from './versions.js';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * `package.json` of a scaffolded app: in the monorepo like `apps/inventory` (workspace dependencies, a `generate`
 * script for `rampart-codegen`, `dev` to run with `config/dev.json`); standalone with the published `@rampart/*`
 * packages at `^<cliVersion>`.
 *
 * @example
 * ```ts
 * files.push({ path: 'package.json', content: packageJsonTemplate(plan, '0.1.0') });
 * ```
 */
export function packageJsonTemplate(plan: ServicePlan, cliVersion: string): string {
  const standalone = plan.mode === 'standalone';
  const rampart = standalone ? `^${cliVersion}` : 'workspace:*';
  const protoRoot = standalone ? 'proto' : '../../proto';
  const generate = `rampart-codegen --proto-root ${protoRoot} --out src/generated ${plan.protoFile}`;
  const scripts: Record<string, string> = standalone
    ? {
        generate,
        build: 'npm run generate && tsc -p tsconfig.build.json',
        typecheck: 'npm run generate && tsc -p tsconfig.json --noEmit',
        test: 'npm run generate && vitest run',
        clean: 'rm -rf dist src/generated *.tsbuildinfo',
        start: 'node dist/main.js',
        dev: 'RAMPART_CONFIG=config/dev.json RAMPART_LOG_FORMAT=pretty node dist/main.js',
      }
    : {
        build: 'tsc -p tsconfig.build.json',
        typecheck: 'tsc -p tsconfig.json --noEmit',
        lint: 'eslint src test',
        test: 'vitest run',
        clean: 'rm -rf dist *.tsbuildinfo',
        generate,
        start: 'node dist/main.js',
        dev: 'RAMPART_CONFIG=config/dev.json RAMPART_LOG_FORMAT=pretty node dist/main.js',
      };
  return json({
    name: plan.packageName,
    version: '0.1.0',
    description: `The ${plan.name} service (scaffolded by rampart new service)`,
    type: 'module',
    license: 'Apache-2.0',
    private: true,
    scripts,
    ...(standalone ? { files: ['dist', 'proto'] } : { files: ['dist'] }),
    dependencies: {
      ...(plan.protosModule !== undefined ? { [plan.protosModule]: 'workspace:*' } : {}),
      '@rampart/auth': rampart,
      '@rampart/core': rampart,
      '@rampart/server': rampart,
      // peer dependencies of the @rampart packages: the app's one copy is the one they use (ADR 0039)
      '@grpc/grpc-js': V['@grpc/grpc-js'],
      inversify: V.inversify,
      'reflect-metadata': V['reflect-metadata'],
    },
    devDependencies: {
      '@rampart/codegen': rampart,
      '@rampart/testing': rampart,
      ...(standalone
        ? { '@rampart/cli': rampart, '@types/node': V['@types/node'], typescript: V.typescript, vitest: V.vitest }
        : {}),
    },
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  });
}

const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: false,
  useDefineForClassFields: true,
  declaration: true,
  sourceMap: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  types: ['node'],
};

/**
 * `tsconfig.json` (typecheck of src and test) and `tsconfig.build.json` (emit of src to dist): in the monorepo
 * exactly like the sample apps (extending `tsconfig.base.json`, with project references); standalone with the same
 * compiler options written out.
 *
 * @example
 * ```ts
 * const { tsconfig, tsconfigBuild } = tsconfigTemplates(plan);
 * ```
 */
export function tsconfigTemplates(plan: ServicePlan): { tsconfig: string; tsconfigBuild: string } {
  if (plan.mode === 'standalone') {
    return {
      tsconfig: json({ compilerOptions: { ...COMPILER_OPTIONS, noEmit: true, rootDir: '.' }, include: ['src', 'test'] }),
      tsconfigBuild: json({
        extends: './tsconfig.json',
        compilerOptions: { noEmit: false, rootDir: 'src', outDir: 'dist' },
        include: ['src'],
        exclude: ['src/**/*.spec.ts'],
      }),
    };
  }
  return {
    tsconfig: json({
      extends: '../../tsconfig.base.json',
      compilerOptions: { composite: false, noEmit: true, rootDir: '.' },
      include: ['src', 'test'],
    }),
    tsconfigBuild: json({
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist' },
      include: ['src'],
      exclude: ['src/**/*.spec.ts'],
      references: ['core', 'server', 'auth'].map((p) => ({ path: `../../packages/${p}/tsconfig.build.json` })),
    }),
  };
}

/**
 * `vitest.config.ts`: the workspace's shared settings in the monorepo; standalone a small config of its own.
 *
 * @example
 * ```ts
 * files.push({ path: 'vitest.config.ts', content: vitestConfigTemplate(plan) });
 * ```
 */
export function vitestConfigTemplate(plan: ServicePlan): string {
  if (plan.mode === 'monorepo') return "import shared from '../../vitest.shared.js';\n\nexport default shared;\n";
  return `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.spec.ts'], testTimeout: 20_000, hookTimeout: 20_000 },
});
`;
}

/** `.gitignore` of a standalone project: build output, generated types, and the dev PKI and issuer files. */
export const STANDALONE_GITIGNORE = `node_modules/
dist/
*.tsbuildinfo
src/generated/
# dev PKI and issuer files, made at run time
.rampart/
*.pem
*.key
.env
.env.*
`;
