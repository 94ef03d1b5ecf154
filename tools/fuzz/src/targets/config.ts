import { tokenConfigSchema, authPipelineConfigSchema } from '@rampart/auth';
import { loadConfig } from '@rampart/config';
import { RampartError, type ConfigSchemaFragment } from '@rampart/core';
import { serverConfigSchema } from '@rampart/server';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holds, InvariantViolation, parts } from './invariant.js';

// A service's configuration from outside, with the real schemas of the server and auth packages: the input is the
// environment (lines `NAME=value`; a NAME that is a number picks the schema's n-th variable) and a config file, NUL
// between them. It loads, or start-up stops with one ERR_CONFIG_INVALID / ERR_CONFIG_INLINE_SECRET that never shows
// a secret's value. What loads from the file is what the file said (own keys, `__proto__` included).

const schemas: ConfigSchemaFragment[] = [serverConfigSchema, tokenConfigSchema, authPipelineConfigSchema];
interface Leaf { readonly env: string | undefined; readonly sensitive: boolean }
const leaves = new Map<string, Leaf>();
const groups = new Set<string>();
for (const schema of schemas) collect(schema, '');
const envNames = [...leaves.values()].flatMap((l) => (l.env === undefined ? [] : [l.env]));
const file = join(mkdtempSync(join(tmpdir(), 'rampart-fuzz-config-')), 'config.json');

export function fuzz(data: Buffer): void {
  const [envText = Buffer.alloc(0), fileText = Buffer.alloc(0)] = parts(data, 2);
  const env = environment(envText.toString('utf8'));
  writeFileSync(file, fileText);
  let config;
  try {
    config = loadConfig({ schemas, env, files: fileText.length === 0 ? [] : [file] });
  } catch (error) {
    if (!(error instanceof RampartError)) throw new InvariantViolation(`loadConfig threw ${String(error)}`);
    holds(['ERR_CONFIG_INVALID', 'ERR_CONFIG_INLINE_SECRET'].includes(error.code), `refused with ${error.code}`);
    for (const [name, value] of Object.entries(env)) {
      const leaf = [...leaves.values()].find((l) => l.env === name);
      if (leaf?.sensitive === true && value.trim().length >= 8) holds(!error.message.includes(value.trim()), `the message shows the secret in ${name}`);
    }
    return;
  }
  let document: unknown;
  try {
    document = JSON.parse(fileText.toString('utf8'));
  } catch {
    return;
  }
  for (const [key, value] of fromFile(document, '')) {
    // Objects and lists are taken whole (scalars may be coerced to the setting's format, e.g. "8080" to a port).
    if (typeof value !== 'object' || value === null || config.sourceOf(key) !== `file:${file}`) continue;
    holds(sameData(config.get(key), value), `${key} loaded from the file is not what the file says`);
  }
}

function environment(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq);
    const picked = /^\d+$/.test(name) ? envNames[Number(name) % envNames.length] : name;
    if (picked !== undefined) env[picked] = line.slice(eq + 1);
  }
  return env;
}

function collect(node: Record<string, unknown>, prefix: string): void {
  for (const [name, child] of Object.entries(node)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (typeof child !== 'object' || child === null) continue;
    const definition = child as Record<string, unknown>;
    if ('default' in definition) {
      leaves.set(key, { env: typeof definition['env'] === 'string' ? definition['env'] : undefined, sensitive: definition['sensitive'] === true });
    } else {
      groups.add(key);
      collect(definition, key);
    }
  }
}

/** The settings a config file gives, by key, as loadConfig reads them (nested objects and dotted keys). */
function* fromFile(value: unknown, prefix: string): Generator<[string, unknown]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const [name, child] of Object.entries(value)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (leaves.has(key)) yield [key, child];
    else if (groups.has(key)) yield* fromFile(child, key);
  }
}

/** Deep equality of JSON data by own keys (so a `__proto__` key counts like any other). */
function sameData(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.hasOwn(b, k) && sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
