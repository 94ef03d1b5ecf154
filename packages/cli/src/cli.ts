import { helpFor } from './help.js';
import { CliError, EXIT, UsageError, type CliIo } from './io.js';
import { cliVersion } from './version.js';

/** A command: its arguments after the command name, the I/O, and it resolves when done (or throws). */
export type Command = (argv: readonly string[], io: CliIo) => Promise<void>;

// Loaded on use, so `rampart token mint` does not load grpc-js and `--help` loads nothing.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  new: async () => (await import('./commands/new-service.js')).newCommand,
  certs: async () => (await import('./commands/certs.js')).certsCommand,
  token: async () => (await import('./commands/token.js')).tokenCommand,
  routes: async () => (await import('./commands/routes.js')).routesCommand,
  generate: async () => (await import('./commands/generate.js')).generateCommand,
};

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves with the exit code: 0 ok, 1 failure (the
 * reason printed to `err`), 2 usage error (the reason and the command's usage printed to `err`).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (name === undefined) io.err(helpFor(topic));
    else io.out(helpFor(topic));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${await cliVersion()}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  try {
    if (load === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(helpFor(name));
      return EXIT.ok;
    }
    const command = await load();
    await command(rest, io);
    return EXIT.ok;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.err(`rampart: ${error.message}\n\n${helpFor(error.topic)}`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    io.err(`rampart: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`rampart: ${message}\n`);
  }
  if (io.env['RAMPART_DEBUG'] && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  return EXIT.failure;
}
