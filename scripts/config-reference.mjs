#!/usr/bin/env node
// Regenerates docs/reference/configuration.md from the packages' config schemas (run `pnpm build` first).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const load = (pkg) => import(new URL(`packages/${pkg}/dist/index.js`, root).href);
const { describeConfig } = await load('config');
const { serverConfigSchema } = await load('server');
const { tokenConfigSchema, authPipelineConfigSchema } = await load('auth');
const { targetSchema, tokenClientSchema } = await load('client');
const { issuerConfigSchema } = await import(new URL('apps/issuer/dist/index.js', root).href);
const { redisConfigSchema } = await load('plugin-redis');
const { otelConfigSchema } = await load('plugin-otel');
const { rateLimitConfigSchema } = await load('plugin-ratelimit');

const sections = [
  ['Server (`@rampart/server`)', [serverConfigSchema]],
  ['Auth plugin (`@rampart/auth`, `rampartAuth()`)', [authPipelineConfigSchema, tokenConfigSchema]],
  [
    'Outgoing calls (`@rampart/client`, `rampartClients({ <name>: ... })`; shown for a target named `inventory`)',
    [{ clients: { inventory: targetSchema('inventory') }, auth: { client: tokenClientSchema } }],
  ],
  ['Redis plugin (`@rampart/plugin-redis`)', [redisConfigSchema]],
  ['OpenTelemetry plugin (`@rampart/plugin-otel`)', [otelConfigSchema]],
  ['Rate-limit plugin (`@rampart/plugin-ratelimit`)', [rateLimitConfigSchema]],
  ['The sample issuer (`apps/issuer`)', [issuerConfigSchema]],
];

const intro = `# Configuration reference

Every setting can be given in a JSON config file (\`RAMPART_CONFIG=/etc/acme/payments.json\`, comma-separate
several; later files win) or by its environment variable (which wins over files). Values set in code by
\`createApp({ config: { values } })\` sit below both. A value that fails validation stops start-up with a message
naming the key, where the value came from and the fix. How loading works: [config-loading](config-loading.md).

**Secrets** (settings marked sensitive) come only from their environment variable or from a file named by
\`<VAR>_FILE\` (e.g. \`RAMPART_AUTH_HMAC_SECRET_FILE=/run/secrets/hmac\`); a secret written into a config file, or
set in code, stops start-up with \`ERR_CONFIG_INLINE_SECRET\`.

The tables are generated from the schemas by \`node scripts/config-reference.mjs\`; tests fail when they drift from
the code.
`;

// Defaults computed from the checkout's location are shown relative to it, so no machine path is written.
const repo = fileURLToPath(root).replace(/\/$/, '');
const body = sections
  .map(([title, schemas]) => `## ${title}\n\n${describeConfig(schemas).trim()}\n`)
  .join('\n')
  .split(repo)
  .join('<repo>');
writeFileSync(new URL('docs/reference/configuration.md', root), `${intro}\n${body}`);
process.stdout.write('docs/reference/configuration.md written\n');
