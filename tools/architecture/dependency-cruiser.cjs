// The workspace's import rules (dependency-cruiser), checked over the sources of packages, apps and tools by
// `pnpm lint`. Tests are not cruised: a package's tests may use packages above it (a real server, the harness).
//
// Layers, lowest first; a package's sources import only packages of lower layers:
//   0 core
//   1 codegen, config, telemetry, pki
//   1-spiffe spiffe (the Workload API client, at pki's level: it imports core and pki only)
//   2 server, client, auth
//   3 testing, cli, plugin-*
//   apps and tools: anything in packages (apps may use other apps)
const LAYERS = [['core'], ['codegen', 'config', 'telemetry', 'pki'], ['spiffe'], ['server', 'client', 'auth'], ['testing', 'cli', 'plugin-[^/]+']];

/**
 * Libraries whose one copy the user's app and every Rampart package must share, so a package declares them as
 * peerDependencies (ADR 0039): inversify (the user's container and decorators), reflect-metadata (the metadata
 * registry the decorators write to), @grpc/grpc-js (`Metadata`, credentials and status classes cross the API).
 */
const SHARED_INSTANCE = ['inversify', 'reflect-metadata', '@grpc/grpc-js'];

const fs = require('node:fs');
const path = require('node:path');
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The workspace's packages, read from the folder the check runs in (the repository root): folder, name, and the
 * names a package may import at run time (dependencies and peerDependencies).
 */
const folders = ['packages', 'apps', 'tools']
  .flatMap((group) => (fs.existsSync(group) ? fs.readdirSync(group).map((dir) => path.posix.join(group, dir)) : []))
  .concat(['proto', 'deploy/kubernetes']);
const workspace = folders
  .filter((folder) => fs.existsSync(path.join(folder, 'package.json')))
  .map((folder) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
    const runtime = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    return { folder, name: manifest.name, runtime };
  });

/**
 * One rule per package or app: its sources import another workspace package only when its package.json lists it
 * in dependencies (or peerDependencies). The tsconfig paths make `@rampart/*` imports aliases to local files, which
 * the npm-based `declared-dependencies` rule cannot compare with package.json, so these rules name the folders.
 */
const workspaceRules = workspace
  .filter(({ folder }) => /^(packages|apps)\//.test(folder))
  .map((pkg) => ({ pkg, undeclared: workspace.filter((other) => other !== pkg && !pkg.runtime.has(other.name)) }))
  .filter(({ undeclared }) => undeclared.length > 0)
  .map(({ pkg, undeclared }) => ({
    name: 'declared-workspace-dependencies',
    comment: `${pkg.name} imports a workspace package that is not in its dependencies (a devDependency is not installed for a user): add it to dependencies`,
    severity: 'error',
    from: { path: `^${escape(pkg.folder)}/src/` },
    to: { path: `^(${undeclared.map(({ folder }) => escape(folder)).join('|')})/` },
  }));

const src = (names) => `^packages/(${names.join('|')})/src/`;
/** What a package of layer `n` resolves an import of `@rampart/<name>` to: that package's folder. */
const target = (names) => `^packages/(${names.join('|')})/`;

/** Each layer's name in rule names and messages (spiffe sits beside pki and above it, so the others keep their numbers). */
const LAYER_NAMES = ['0', '1', '1-spiffe', '2', '3'];

const layerRules = LAYERS.map((names, n) => ({
  name: `layer-${LAYER_NAMES[n]}`,
  comment: `packages of layer ${LAYER_NAMES[n]} (${names.join(', ')}) import only packages of lower layers: core ← config/telemetry/pki ← spiffe ← server/client/auth ← testing/plugins/cli ← apps`,
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
      // Generated message types mirror the .proto (buf.validate's FieldRules ↔ RepeatedRules, descriptor.proto's
      // DescriptorProto): type-only imports, erased at build, that nobody edits.
      from: { pathNot: '/generated/messages/' },
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
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'npm-dev'], dependencyTypesNot: ['type-only', 'npm-peer'] },
    },
    ...workspaceRules,
    {
      name: 'shared-instance-peers',
      comment: `a package imports ${SHARED_INSTANCE.join(', ')} only as a peer dependency (the app's copy must be the one it uses: ADR 0039); keep it in devDependencies too for the workspace`,
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: {
        path: `node_modules/(${SHARED_INSTANCE.map(escape).join('|')})/`,
        dependencyTypes: ['npm'], // in dependencies (also when in peerDependencies too); devDependencies only: declared-dependencies
      },
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
