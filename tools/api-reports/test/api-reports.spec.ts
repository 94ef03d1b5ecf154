import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publicEntries } from '../src/entries.js';
import { extractReport } from '../src/extract.js';

const packagesDir = fileURLToPath(new URL('../../../packages', import.meta.url));
const update = process.env['RAMPART_API_REPORTS'] === 'update';
const entries = publicEntries(packagesDir);

describe('the committed API reports describe every public entry point', () => {
  it('finds the entries from the packages’ exports maps', () => {
    const specifiers = entries.map((e) => e.specifier);
    expect(specifiers).toContain('@rampart/core');
    expect(specifiers).toContain('@rampart/auth/stages');
    expect(specifiers).toContain('@rampart/auth/internal');
    expect(specifiers.length).toBeGreaterThanOrEqual(12);
  });

  it.each(entries.map((e) => [e.specifier, e] as const))('%s', (_specifier, entry) => {
    const outcome = extractReport(entry, update);
    expect(outcome.errors).toEqual([]);
    // In update mode the report was just written; otherwise it must still describe the entry.
    expect(
      outcome.changed && !update,
      `${entry.specifier}: its public API changed. Review the change, then run \`pnpm api:update\` and commit ${outcome.report}`,
    ).toBe(false);
    expect(existsSync(`${entry.packageDir}/${outcome.report}`)).toBe(true);
  });

  it('@rampart/auth keeps the pipeline internals and the fast verification path off its main entry', () => {
    const main = readFileSync(`${packagesDir}/auth/api/auth.api.md`, 'utf8');
    for (const name of ['resolveStages', 'requirementsOf', 'verifyFast', 'verifyEntryFast', 'acceptVerified', 'fastPathOf']) {
      expect(main, name).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(main).toMatch(/verify\(token: string, options\?: VerifyOptions\): Promise<VerifiedToken>/);
  });

  // ADR 0042/0044: what only Rampart's own packages use lives in `<package>/internal` (or is not exported at all).
  const offTheMainEntry: Record<string, readonly string[]> = {
    core: ['codeOnTheWire', 'receivedError', 'errorForCaller', 'encodeRpcStatus', 'STATUS_BY_CODE', 'PEER_REFUSAL',
      'settleHookResult', 'orderPlugins', 'readServiceMetadata', 'effectiveDecisions', 'createContextValues', 'METADATA'],
    pki: ['watchIdentityFiles', 'watchTrustBundles', 'TrustDomainBundles', 'ChainMemory', 'parseSpiffeId'],
    telemetry: ['RPC_SPAN', 'injectTraceContext', 'LOG_FORMATS', 'scrubString'],
    server: ['inProcessInvoker', 'identityFromDer'],
    config: ['mergeSchemas', 'registerConfigFormats', 'parseWholeNumber'],
    codegen: ['findProtoFiles', 'GEN_TYPES_FLAGS'],
    testing: ['deployWorkspacePackage', 'startDeployed', 'deepMerge'],
    client: ['TokenCache', 'serviceConfig', 'targetEnvPrefix'],
    'plugin-redis': ['RevocationStage', 'RevocationFeed', 'WatchedStream', 'encodeRevocation', 'RedisReplayStore'],
    'plugin-otel': ['assertNoGlobals', 'otelSettingsFromConfig'],
    'plugin-validate': ['loadRuleRegistry', 'hasRules', 'printProtoFile', 'RequestValidator', 'validateProtoSource'],
    'plugin-ratelimit': ['MemoryBuckets', 'RedisBuckets', 'GuardedBuckets', 'RedisLink', 'TAKE_TOKEN_SCRIPT', 'ThrottledLine', 'RateLimiter'],
    cli: ['planService', 'formatRoutes', 'authMatrixRows', 'HELP'],
    spiffe: ['TestWorkloadApi', 'TestTrustDomain', 'watchStream', 'JwtSvidCache', 'parseX509Context'],
  };
  it.each(Object.entries(offTheMainEntry))('@rampart/%s keeps its internals off its main entry', (folder, names) => {
    const main = readFileSync(`${packagesDir}/${folder}/api/${folder}.api.md`, 'utf8');
    for (const name of names) expect(main, name).not.toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('records no source line numbers (ae-undocumented is off), so an unrelated edit leaves a report alone', () => {
    for (const entry of entries) {
      const report = readFileSync(`${entry.packageDir}/api/${entry.reportName}`, 'utf8');
      expect(report, entry.reportName).not.toMatch(/ae-undocumented|src\/[\w/-]+\.ts:\d+/);
    }
  });
});
