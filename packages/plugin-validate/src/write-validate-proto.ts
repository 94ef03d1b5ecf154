// `pnpm proto` (after upgrading @bufbuild/protovalidate): writes proto/buf/validate/validate.proto from the installed @bufbuild/protovalidate.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VALIDATE_PROTO_DIR, validateProtoSource } from './validate-proto.js';

const folder = join(VALIDATE_PROTO_DIR, 'buf', 'validate');
mkdirSync(folder, { recursive: true });
writeFileSync(join(folder, 'validate.proto'), validateProtoSource());
process.stdout.write(`wrote ${join('proto', 'buf', 'validate', 'validate.proto')}\n`);
