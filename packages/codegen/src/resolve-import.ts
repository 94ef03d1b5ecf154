import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';

const PROTOBUFJS_DIR = dirname(createRequire(import.meta.url).resolve('protobufjs/package.json'));

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
  const bundled = join(PROTOBUFJS_DIR, target);
  return target.startsWith('google/protobuf/') && existsSync(bundled) ? bundled : join(dirs[0] ?? '.', target);
}
