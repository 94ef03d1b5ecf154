import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { emitIndex, emitProtoModule, MESSAGES_DIR, rampartModuleOf } from './emit.js';
import { findProtoFiles } from './find-protos.js';
import { GEN_TYPES_FLAGS } from './loader-options.js';
import { readProtoModel } from './model.js';

/** Options for {@link generate}. */
export interface GenerateOptions {
  /** The folder the proto files and their imports are relative to. */
  readonly protoRoot: string;
  /** Where to write; emptied first. */
  readonly outDir: string;
  /** Proto files relative to `protoRoot`; default: every `.proto` below it. */
  readonly files?: readonly string[];
  /** More folders imports are looked up in, after `protoRoot` (e.g. `@rampart/plugin-validate`'s `VALIDATE_PROTO_DIR`). */
  readonly includeDirs?: readonly string[];
}

/** What {@link generate} wrote. */
export interface GenerateResult {
  readonly files: readonly string[];
  readonly services: readonly string[];
}

/**
 * Generates TypeScript types for proto files: message types with `proto-loader-gen-types` (the same loader options
 * the server uses at run time), then, per proto file, a module with each service's shape, run-time descriptor,
 * handler type and client type, and an `index.ts` that re-exports them.
 *
 * @example
 * ```ts
 * generate({ protoRoot: '../../proto', outDir: 'src/generated' });
 * ```
 */
export function generate(options: GenerateOptions): GenerateResult {
  const protoRoot = resolve(options.protoRoot);
  const outDir = resolve(options.outDir);
  if (!statSync(protoRoot, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`proto root ${options.protoRoot} is not a directory`);
  }
  const files = options.files ?? findProtoFiles(protoRoot);
  if (files.length === 0) throw new Error(`no .proto files below ${options.protoRoot}`);
  const includeDirs = (options.includeDirs ?? []).map((dir) => resolve(dir));
  for (const dir of includeDirs) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`include dir ${dir} is not a directory`);
  }
  const model = readProtoModel(protoRoot, files, includeDirs);

  rmSync(outDir, { recursive: true, force: true });
  const messagesDir = join(outDir, MESSAGES_DIR);
  mkdirSync(messagesDir, { recursive: true });
  const genTypes = createRequire(import.meta.url).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  execFileSync(
    process.execPath,
    [genTypes, ...GEN_TYPES_FLAGS, '--importFileExtension=.js', '-I', protoRoot, ...includeDirs.flatMap((dir) => ['-I', dir]), '-O', messagesDir, ...files],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  tidyMessages(messagesDir, [protoRoot, ...includeDirs], new Set(model.services.map((s) => s.typeName.split('.').join('/'))));

  const written: string[] = [];
  for (const file of files) {
    const target = join(outDir, `${rampartModuleOf(file)}.ts`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, emitProtoModule(file, model));
    written.push(target);
  }
  writeFileSync(join(outDir, 'index.ts'), emitIndex(files));
  written.push(join(outDir, 'index.ts'));
  return { files: written, services: model.services.map((s) => s.typeName) };
}

/**
 * Removes what `proto-loader-gen-types` writes that Rampart does not use (its service definitions and per-file
 * grpc-js package types) and makes its "Original file" comments relative, so no machine path ends up in a file.
 */
function tidyMessages(dir: string, protoDirs: readonly string[], serviceModules: ReadonlySet<string>, rel = ''): void {
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    const full = join(dir, relPath);
    if (entry.isDirectory()) {
      tidyMessages(dir, protoDirs, serviceModules, relPath);
    } else if (serviceModules.has(relPath.replace(/\.ts$/, '')) || !rel) {
      rmSync(full);
    } else {
      const text = readFileSync(full, 'utf8');
      writeFileSync(full, protoDirs.reduce((tidy, protoDir) => tidy.split(`${protoDir}/`).join(''), text));
    }
  }
}
