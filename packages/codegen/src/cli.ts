import { parseArgs } from 'node:util';
import { generate } from './generate.js';

const usage = `Usage: rampart-codegen --proto-root <dir> --out <dir> [--include <dir> ...] [file.proto ...]

Generates TypeScript message, handler and client types from .proto files.
  --proto-root <dir>  folder the proto files (and their imports) are relative to
  --out <dir>         output folder (emptied first), e.g. src/generated
  --include <dir>     another folder imports are looked up in (repeatable)
  file.proto ...      files relative to --proto-root; default: all below it`;

try {
  const { values, positionals } = parseArgs({
    options: {
      'proto-root': { type: 'string' },
      out: { type: 'string' },
      include: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
  } else {
    if (!values['proto-root'] || !values.out) throw new Error('--proto-root and --out are required');
    const result = generate({
      protoRoot: values['proto-root'],
      outDir: values.out,
      ...(values.include ? { includeDirs: values.include } : {}),
      ...(positionals.length > 0 ? { files: positionals } : {}),
    });
    process.stdout.write(`rampart-codegen: ${result.services.length} service(s) -> ${values.out}\n`);
  }
} catch (error) {
  process.stderr.write(`rampart-codegen: ${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
  process.exitCode = 1;
}
