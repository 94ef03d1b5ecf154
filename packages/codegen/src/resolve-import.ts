import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';

let protobufjsDir: string | null | undefined;

/**
 * The folder of the protobufjs package, or null where there is none to find: in an app bundled into one file (ADR
 * 0051) no `node_modules` is shipped, and the bundle puts the `google/protobuf` files it needs in its proto root.
 */
function protobufjsFolder(): string | null {
  if (protobufjsDir === undefined) {
    try {
      protobufjsDir = dirname(createRequire(import.meta.url).resolve('protobufjs/package.json'));
    } catch {
      protobufjsDir = null;
    }
  }
  return protobufjsDir;
}

/**
 * Where a protobufjs `Root` finds an import: in the first of `dirs` that has it, else among the `google/protobuf`
 * files protobufjs ships (`descriptor.proto`, which `buf/validate/validate.proto` imports, is not among the
 * definitions it has built in); a file found nowhere resolves below the first folder, so the error names that path.
 */
export function resolveProtoImport(dirs: readonly string[], target: string): string {
  if (isAbsolute(target)) return target;
  for (const dir of dirs) {
    const candidate = join(dir, target);
    if (existsSync(candidate)) return candidate;
  }
  const shipped = target.startsWith('google/protobuf/') ? protobufjsFolder() : null;
  const bundled = shipped === null ? undefined : join(shipped, target);
  return bundled !== undefined && existsSync(bundled) ? bundled : join(dirs[0] ?? '.', target);
}
