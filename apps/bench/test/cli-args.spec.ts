import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../src/cli-args.js';
import { FULL, QUICK, SCENARIO_NAMES } from '../src/scenarios.js';

function usageErrorOf(argv: string[]): UsageError {
  try {
    parseCli(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`parseCli(${argv.join(' ')}) did not throw`);
}

describe('pnpm bench arguments', () => {
  it('defaults to the full run with every scenario, pinned', () => {
    const request = parseCli([]);
    expect(request.settings).toEqual({ ...FULL, settleGc: true });
    expect(request.scenarios).toEqual([...SCENARIO_NAMES]);
    expect(request.pin).toBe(true);
    expect(request.help).toBe(false);
  });

  it('applies flags on top of the quick defaults, dropping the -- that pnpm passes along', () => {
    const request = parseCli(['--', '--quick', '--rounds', '4', '--no-memory', '--only', 'grpc-mtls, rampart-auth-warm', '--no-pin']);
    expect(request.settings.mode).toBe('quick');
    expect(request.settings.rounds).toBe(4);
    expect(request.settings.measureMs).toBe(QUICK.measureMs);
    expect(request.settings.memorySmall).toBe(0);
    expect(request.scenarios).toEqual(['grpc-mtls', 'rampart-auth-warm']);
    expect(request.pin).toBe(false);
  });

  it('leaves the A/A control out of a quick run unless --only names it', () => {
    expect(parseCli(['--quick']).scenarios).not.toContain('grpc-mtls-again');
    expect(parseCli(['--quick']).scenarios).toHaveLength(SCENARIO_NAMES.length - 1);
    expect(parseCli([]).scenarios).toContain('grpc-mtls-again');
    expect(parseCli(['--quick', '--only', 'grpc-mtls,grpc-mtls-again']).scenarios).toEqual(['grpc-mtls', 'grpc-mtls-again']);
  });

  it('asks for help with --help or -h', () => {
    expect(parseCli(['--help']).help).toBe(true);
    expect(parseCli(['-h']).help).toBe(true);
  });

  it('names an unknown option instead of crashing with a stack trace', () => {
    expect(usageErrorOf(['--fast']).message).toMatch(/Unknown option '--fast'/);
  });

  it('names the flag and what it takes for a malformed or missing value', () => {
    expect(usageErrorOf(['--rounds', '0']).message).toBe("--rounds takes a positive integer, got '0'");
    expect(usageErrorOf(['--measure-ms', '1.5']).message).toBe("--measure-ms takes a positive integer, got '1.5'");
    expect(usageErrorOf(['--client', 'curl']).message).toBe("--client takes lite or node-http2, got 'curl'");
    expect(usageErrorOf(['--rounds']).message).toMatch(/--rounds/);
  });

  it('lists the known scenarios for an unknown one', () => {
    const message = usageErrorOf(['--only', 'grpc-mtls,grpc-tls']).message;
    expect(message).toContain("unknown scenario 'grpc-tls'");
    expect(message).toContain('rampart-auth-warm');
  });
});
