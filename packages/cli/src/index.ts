// @rampart/cli: the `rampart` command. Run it from a script of your own with runCli(argv, io).
export { runCli } from './cli.js';
export { cliVersion } from './version.js';
export type { CliIo } from './io.js';
