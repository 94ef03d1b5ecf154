import { file_buf_validate_validate } from '@bufbuild/protovalidate/gen/buf/validate/validate_pb.js';
import { RampartError } from '@rampart/core';
import { readFileSync } from 'node:fs';

/** The escapes protobufjs reads as protoc does. Any other (`\"`, `\'`, `\x41`, `\101`, `\u00e9`, `\0`) it misreads. */
const SAFE_ESCAPES = new Set(['\\', 'n', 'r', 't']);

/** Repeated rules of a scalar or enum type (`in`, `not_in`, `cel_expression`, …): protobufjs loses a first value of 0 or "". */
const REPEATED_SCALAR_RULES = [
  ...new Set(file_buf_validate_validate.messages.flatMap((m) => m.fields.filter((f) => f.fieldKind === 'list' && f.listKind !== 'message').map((f) => f.name))),
];

/**
 * Refuses what protobufjs would read differently from protoc in a file with rules, so that a rule is never evaluated
 * other than as written (fail closed at start-up rather than validate against a changed rule):
 * - an escape other than `\\`, `\n`, `\r`, `\t` in a string (protobufjs drops or mangles the others);
 * - a repeated rule (`in`, `not_in`, …) not written as a list: `not_in: [0, 13]` is read right, `not_in = 0,
 *   not_in = 13` or `not_in: 0` loses a first value of 0 or "".
 *
 * @throws RampartError `ERR_SERVICE_DEFINITION` naming the file, the line and the fix.
 */
export function checkRuleSource(file: string): void {
  const source = readFileSync(file, 'utf8');
  if (!source.includes('buf.validate')) return;
  const code = blankCommentsAndStrings(source, (text, offset) => {
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== '\\') continue;
      const next = text[i + 1] ?? '';
      if (!SAFE_ESCAPES.has(next)) {
        refuse(file, source, offset + i, `the escape \\${next} in a string: rampart-validate reads rules with protobufjs, which misreads it; write the character itself (a " inside '…' quotes, or a character class in a pattern)`);
      }
      i += 1;
    }
  });
  for (const name of REPEATED_SCALAR_RULES) {
    const pattern = new RegExp(`(\\.\\s*${name}\\s*=)|(\\b${name}\\s*:(?!\\s*\\[))`, 'g');
    for (const match of code.matchAll(pattern)) {
      refuse(file, source, match.index, `the repeated rule ${name} set without a list: write it once as a list in an aggregate, e.g. { ${name}: [0, 13] } (protobufjs loses a first value of 0 or "" otherwise)`);
    }
  }
}

function refuse(file: string, source: string, offset: number, problem: string): never {
  const line = source.slice(0, offset).split('\n').length;
  throw new RampartError('ERR_SERVICE_DEFINITION', `${file}:${line}: ${problem}`);
}

/** The source with comments and string contents blanked (same length); `sawString` gets each string's contents. */
function blankCommentsAndStrings(source: string, sawString: (text: string, offset: number) => void): string {
  const out = source.split('');
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') out[i++] = ' ';
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      for (; i < stop; i++) out[i] = source[i] === '\n' ? '\n' : ' ';
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      sawString(source.slice(i + 1, j), i + 1);
      for (let k = i + 1; k < j; k++) out[k] = ' ';
      i = j + 1;
    } else {
      i += 1;
    }
  }
  return out.join('');
}
