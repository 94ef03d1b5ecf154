import { file_buf_validate_validate } from '@bufbuild/protovalidate/gen/buf/validate/validate_pb.js';
import { fileURLToPath } from 'node:url';
import { printProtoFile } from './proto-printer.js';

/**
 * The folder holding `buf/validate/validate.proto`, for imports: add it to the app's proto include dirs
 * (`protos: { root, includeDirs: [VALIDATE_PROTO_DIR] }`) and to `rampart-codegen --include`. The file is printed
 * from the descriptor that `@bufbuild/protovalidate` embeds, so its declarations are those of the version that
 * evaluates the rules.
 *
 * @example
 * ```ts
 * const app = await createApp({ name: 'orders', services, protos: { root, includeDirs: [VALIDATE_PROTO_DIR] }, plugins: [rampartValidate()] });
 * ```
 */
export const VALIDATE_PROTO_DIR = fileURLToPath(new URL('../proto', import.meta.url));

/** The source of `buf/validate/validate.proto` as this package ships it (what `pnpm proto` writes). */
export function validateProtoSource(): string {
  return printProtoFile(file_buf_validate_validate.proto, [
    'buf/validate/validate.proto: the declarations of protovalidate\'s rules, printed by @rampart/plugin-validate',
    '(`pnpm proto`) from the descriptor @bufbuild/protovalidate embeds. Do not edit.',
    '',
    'Options and comments are left out: what each rule means is documented at',
    'https://buf.build/docs/protovalidate/ and in buf.build/bufbuild/protovalidate. Copyright Buf Technologies, Inc.,',
    'Apache License 2.0.',
  ]);
}
