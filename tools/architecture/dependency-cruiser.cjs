// The workspace's import rules (dependency-cruiser), checked over the sources of packages, apps and tools by
// `pnpm lint`. Tests are not cruised: a package's tests may use packages above it (a real server, the harness).
//
// Layers, lowest first; a package's sources import only packages of lower layers:
//   0 core
//   1 codegen, config, telemetry, pki
//   2 server, client, auth
//   3 testing, cli, plugin-*
//   apps and tools: anything in packages (apps may use other apps)
const LAYERS = [['core'], ['codegen', 'config', 'telemetry', 'pki'], ['server', 'client', 'auth'], ['testing', 'cli', 'plugin-[^/]+']];

const src = (names) => `^packages/(${names.join('|')})/src/`;
/** What a package of layer `n` resolves an import of `@rampart/<name>` to: that package's folder. */
const target = (names) => `^packages/(${names.join('|')})/`;

const layerRules = LAYERS.map((names, n) => ({
  name: `layer-${n}`,
  comment: `packages of layer ${n} (${names.join(', ')}) import only packages of lower layers: core ← config/telemetry/pki ← server/client/auth ← testing/plugins/cli ← apps`,
  severity: 'error',
  from: { path: src(names) },
  to: {
    path: '^packages/[^/]+/',
    pathNot: [`^packages/$1/`, ...(n === 0 ? [] : [target(LAYERS.slice(0, n).flat())])],
  },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle: the modules load in an order that depends on who imports first; move the shared part to a module of its own',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'packages-not-apps',
      comment: 'a package imports no sample app or tool',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^(apps|tools)/' },
    },
    {
      name: 'declared-dependencies',
      comment: "an import of a package that is not in the importing package's dependencies (or only in devDependencies): it works in the workspace and breaks once published",
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'resolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Another workspace package resolves to its build output (packages/<name>/dist): seen, not followed.
    doNotFollow: { path: ['node_modules', '^(packages|apps|tools)/[^/]+/dist/'] },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
