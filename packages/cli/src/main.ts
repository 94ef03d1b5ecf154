import { runCli } from './cli.js';

// The `rampart` binary (bin/rampart.js imports this file). Run as the root script `pnpm rampart …`, the process
// starts at the repository root; INIT_CWD is where the user typed the command, which relative paths mean.
const fromRootScript = process.env['npm_lifecycle_event'] === 'rampart' && process.env['INIT_CWD'] !== undefined;
process.exitCode = await runCli(process.argv.slice(2), {
  cwd: fromRootScript ? (process.env['INIT_CWD'] as string) : process.cwd(),
  env: process.env,
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  tty: process.stderr.isTTY === true,
});
