import type { ServicePlan } from './plan.js';

/**
 * `src/app.ts`: the app's building blocks. It exports `<camel>AppOptions()`, the convention `rampart routes` relies
 * on (it imports `dist/app.js` and calls that function), and `create<Pascal>App()` for `main.ts`.
 *
 * @example
 * ```ts
 * files.push({ path: 'src/app.ts', content: appTemplate(plan) });
 * ```
 */
export function appTemplate(plan: ServicePlan): string {
  return `import 'reflect-metadata';
import { rampartAuth } from '@rampart/auth';
import { createApp, type CreateAppOptions, type RampartApp } from '@rampart/server';
import { Container } from 'inversify';
${protoRootLines(plan)}
/**
 * The ${plan.name} app's building blocks, for \`main.ts\`, the tests and \`rampart routes\` (which calls this function from
 * \`dist/app.js\` to show the auth matrix): keep its name and export.
 */
export function ${plan.camel}AppOptions(): Pick<CreateAppOptions, 'name' | 'services' | 'protos' | 'container' | 'plugins'> {
  const container = new Container();
  container.bind(ITEM_STORE).toConstantValue(new ItemStore());
  return { name: '${plan.name}', services: [${plan.serviceName}], protos: { root: PROTO_ROOT }, container, plugins: [rampartAuth()] };
}

/** Creates the ${plan.name} app; config comes from \`RAMPART_CONFIG\` files and the environment. */
export function create${plan.pascal}App(overrides: Partial<CreateAppOptions> = {}): Promise<RampartApp> {
  return createApp({ ...${plan.camel}AppOptions(), ...overrides });
}
`;
}

/**
 * `src/main.ts`: starts the app (config from `RAMPART_CONFIG` and the environment); SIGTERM/SIGINT stop it gracefully.
 *
 * @example
 * ```ts
 * files.push({ path: 'src/main.ts', content: mainTemplate(plan) });
 * ```
 */
export function mainTemplate(plan: ServicePlan): string {
  return `import { create${plan.pascal}App } from './app.js';

try {
  const app = await create${plan.pascal}App();
  await app.listen();
} catch (error) {
  process.stderr.write(\`${plan.name}: \${error instanceof Error ? error.message : String(error)}\\n\`);
  process.exitCode = 1;
}
`;
}

/**
 * `src/index.ts`: the package's public entry point.
 *
 * @example
 * ```ts
 * files.push({ path: 'src/index.ts', content: indexTemplate(plan) });
 * ```
 */
export function indexTemplate(plan: ServicePlan): string {
  return `export { create${plan.pascal}App, ${plan.camel}AppOptions, PROTO_ROOT } from './app.js';
export { ${plan.serviceName}, READ_SCOPE, WRITE_SCOPE } from './${plan.name}-service.js';
export { ItemStore, ITEM_STORE, EXAMPLE_ITEM } from './item-store.js';
`;
}

/** The import and `PROTO_ROOT` of `src/app.ts`: from the workspace's protos package, or a folder path. */
function protoRootLines(plan: ServicePlan): string {
  const local = `import { ITEM_STORE, ItemStore } from './item-store.js';
import { ${plan.serviceName} } from './${plan.name}-service.js';`;
  if (plan.protosModule !== undefined) {
    return `import { PROTO_ROOT } from '${plan.protosModule}';
${local}

/** Where the \`.proto\` files are: the workspace's ${plan.protosModule} package, so they travel with a deployed app. */
export { PROTO_ROOT };
`;
  }
  const protoRoot = plan.mode === 'standalone' ? '../proto' : '../../../proto';
  const where = plan.mode === 'standalone' ? "The project's `proto/` folder" : "The repository's `proto/` folder";
  return `import { fileURLToPath } from 'node:url';
${local}

/** ${where} (\`src/\` and \`dist/\` are at the same depth). */
export const PROTO_ROOT = fileURLToPath(new URL('${protoRoot}', import.meta.url));
`;
}
