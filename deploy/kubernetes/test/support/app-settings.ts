// The environment variables each app of the sample system reads: every env name (and `_FILE` variant of a
// sensitive setting) of the config schemas the app composes, as the configuration reference lists them. A name
// outside this set is ignored by the app without a word, so a manifest that sets it configures nothing.
import { serverConfigSchema } from '@rampart/server';
import { authPipelineConfigSchema, tokenConfigSchema } from '@rampart/auth';
import { targetSchema, tokenClientSchema } from '@rampart/client';
import { CONFIG_FILES_ENV, describeConfig } from '@rampart/config';
import { issuerConfigSchema } from '@rampart/issuer';
import { rateLimitConfigSchema } from '@rampart/plugin-ratelimit';
import { redisConfigSchema } from '@rampart/plugin-redis';

type Fragment = Parameters<typeof describeConfig>[0][number];

// What each app's createApp composes: apps/<app>/src/app.ts (plugins) and main.ts (Redis when configured).
const SERVICE = [serverConfigSchema, authPipelineConfigSchema, tokenConfigSchema, redisConfigSchema] as Fragment[];
const SCHEMAS: Record<string, Fragment[]> = {
  issuer: [issuerConfigSchema],
  inventory: SERVICE,
  orders: [...SERVICE, rateLimitConfigSchema, { clients: { inventory: targetSchema('inventory') }, auth: { client: tokenClientSchema } }],
};

/** The env names `app` reads, or undefined for a workload that is not a Rampart app. */
export function envNamesRead(app: string): Set<string> | undefined {
  const schemas = SCHEMAS[app];
  if (!schemas) return undefined;
  const names = [...describeConfig(schemas).matchAll(/`(RAMPART_[A-Z0-9_]+)`/g)].map((m) => m[1]!);
  return new Set([...names, CONFIG_FILES_ENV]);
}

/** The RAMPART_* variables of a container that its app does not read. */
export function unreadEnvNames(app: string, env: readonly { name: string }[]): string[] {
  const read = envNamesRead(app);
  if (!read) return [];
  return env.map((e) => e.name).filter((name) => name.startsWith('RAMPART_') && !read.has(name));
}
