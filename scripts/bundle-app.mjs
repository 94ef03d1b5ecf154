#!/usr/bin/env node
// Bundles a built Rampart app (its dist/main.js) into one tree-shaken ES module with esbuild, as its container image
// ships it (ADR 0051): <out>/main.mjs, and under <out>/assets/node_modules/ the files the code finds at run time
// through its own location, laid out as node_modules would hold them: a package whose code uses __dirname,
// __filename or import.meta.url (@rampart/protos' PROTO_ROOT, grpc-health-check's and @grpc/reflection's protos,
// @rampart/codegen finding protobufjs) gets those uses pointed at assets/node_modules/<package>/<same path>, and its
// package.json and .proto files copied there; protobufjs's google/protobuf files come too (validate.proto imports
// descriptor.proto). Nothing else: no node_modules is needed beside the bundle.
// Usage: node scripts/bundle-app.mjs <app dir> [--out <dir>]   (default <app dir>/dist-bundle)
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

function parseArgs(argv) {
  const [appDir, ...rest] = argv;
  const options = { appDir: resolve(appDir ?? '.'), out: undefined };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--out') options.out = resolve(value);
    else throw new Error(`unknown flag ${flag}; usage: bundle-app.mjs <app dir> [--out <dir>]`);
  }
  options.out ??= join(options.appDir, 'dist-bundle');
  return options;
}

/** The folder and name of the package a file belongs to (the nearest package.json with a name). */
function packageOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (typeof name === 'string') return { dir, name };
  }
  throw new Error(`no package.json with a name above ${file}`);
}

function copyProtos(from, to) {
  for (const entry of readdirSync(from)) {
    if (entry === 'node_modules') continue;
    const source = join(from, entry);
    if (statSync(source).isDirectory()) copyProtos(source, join(to, entry));
    else if (entry.endsWith('.proto')) {
      mkdirSync(to, { recursive: true });
      cpSync(source, join(to, entry));
    }
  }
}

/**
 * Points `__dirname`, `__filename` and `import.meta.url` in every bundled file at the file's place under
 * `assets/node_modules/`, and records the packages concerned (name → folder) for their files to be copied there.
 */
function assetPaths(packagesWithAssets) {
  return {
    name: 'rampart-asset-paths',
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.(c|m)?js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!/\b__(dirname|filename)\b|\bimport\.meta\.url\b/.test(source)) return undefined;
        const pkg = packageOf(args.path);
        packagesWithAssets.set(pkg.name, pkg.dir);
        const folder = `node_modules/${pkg.name}/${relative(pkg.dir, dirname(args.path)).split('\\').join('/')}`.replace(/\/$/, '');
        const file = `${folder}/${basename(args.path)}`;
        const contents = source
          .replace(/\b__dirname\b/g, `__rampartAssetPath(${JSON.stringify(folder)})`)
          .replace(/\b__filename\b/g, `__rampartAssetPath(${JSON.stringify(file)})`)
          .replace(/\bimport\.meta\.url\b/g, `__rampartAssetUrl(${JSON.stringify(file)})`);
        return { contents, loader: 'js' };
      });
    },
  };
}

/** Copies a package's package.json and its .proto files (not its code: that is in the bundle). */
function copyPackageAssets(name, dir, out) {
  const to = join(out, 'assets', 'node_modules', name);
  mkdirSync(to, { recursive: true });
  cpSync(join(dir, 'package.json'), join(to, 'package.json'));
  copyProtos(dir, to);
}

// The bundle's own helpers (one `require` for the CommonJS code esbuild wraps, and the asset locations above).
const BANNER = [
  "import { createRequire as __rampartCreateRequire } from 'node:module';",
  "import { fileURLToPath as __rampartFileURLToPath } from 'node:url';",
  'const require = __rampartCreateRequire(import.meta.url);',
  "const __rampartAssetUrl = (path) => new URL('assets/' + path, import.meta.url).href;",
  'const __rampartAssetPath = (path) => __rampartFileURLToPath(__rampartAssetUrl(path));',
].join('\n');

const options = parseArgs(process.argv.slice(2));
const entry = join(options.appDir, 'dist', 'main.js');
if (!existsSync(entry)) throw new Error(`${entry} is missing: build the app first`);
rmSync(options.out, { recursive: true, force: true });
const packagesWithAssets = new Map();
const result = await build({
  entryPoints: { main: entry },
  // Code splitting: what a dynamic import() reaches (undici for token requests, @redis/client, ...) and is not also
  // imported statically goes into a chunk of its own, read and compiled only when that import runs. Chunks sit beside
  // main.mjs, so each one's import.meta.url (the asset helpers in the banner) points at the same folder.
  outdir: options.out,
  splitting: true,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Minified (names kept: error messages and DI name classes): the source V8 keeps on the heap is half the size.
  minify: true,
  keepNames: true,
  legalComments: 'linked',
  banner: { js: BANNER },
  plugins: [assetPaths(packagesWithAssets)],
  metafile: true,
  logLevel: 'warning',
});
// protobufjs ships google/protobuf/*.proto, which @rampart/codegen finds through protobufjs's package.json.
const codegen = dirname(createRequire(join(options.appDir, 'package.json')).resolve('@rampart/codegen'));
packagesWithAssets.set('protobufjs', dirname(createRequire(join(codegen, 'x.js')).resolve('protobufjs/package.json')));
for (const [name, dir] of packagesWithAssets) copyPackageAssets(name, dir, options.out);
writeFileSync(join(options.out, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
const inputs = Object.keys(result.metafile.inputs).length;
// What starting main.mjs reads: main.mjs and the chunks it imports statically (shared code); the rest waits for its import().
const outputs = result.metafile.outputs;
const eager = new Set();
const visit = (file) => {
  if (eager.has(file)) return;
  eager.add(file);
  for (const imported of outputs[file]?.imports ?? []) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
};
visit(Object.keys(outputs).find((file) => file.endsWith('/main.mjs')));
const sizes = { eager: 0, lazy: 0, lazyChunks: 0 };
for (const [file, { bytes }] of Object.entries(outputs)) {
  if (!file.endsWith('.mjs')) continue;
  if (eager.has(file)) sizes.eager += bytes;
  else [sizes.lazy, sizes.lazyChunks] = [sizes.lazy + bytes, sizes.lazyChunks + 1];
}
const mb = (bytes) => (bytes / 1048576).toFixed(1);
process.stdout.write(
  `bundled ${inputs} modules into ${relative(process.cwd(), join(options.out, 'main.mjs'))}: ${mb(sizes.eager)} MB read at start-up, ` +
    `${mb(sizes.lazy)} MB in ${sizes.lazyChunks} chunks read on their first import()\n`,
);
