import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../src/cli-args.js';
import { CURVE_LEVELS } from '../src/curve/curve-results.js';
import { FULL, MATRIX_SCENARIOS, QUICK, SCENARIO_NAMES } from '../src/scenarios.js';

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

  it('leaves the A/A control and the decomposition controls out of a quick run unless --only names them', () => {
    const controls = ['grpc-mtls-again', 'grpc-mtls-options', 'grpc-mtls-beside-rampart', 'rampart-mtls-bare-handler'];
    for (const control of controls) {
      expect(parseCli(['--quick']).scenarios).not.toContain(control);
      expect(parseCli([]).scenarios).toContain(control);
    }
    expect(parseCli(['--quick']).scenarios).toHaveLength(SCENARIO_NAMES.length - controls.length);
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

  it('--node takes a major or a path; the default is the running Node', () => {
    expect(parseCli([]).node).toBeUndefined();
    expect(parseCli(['--node', '24']).node).toEqual({ kind: 'major', major: 24 });
    expect(parseCli(['--node', '/opt/node/bin/node']).node).toEqual({ kind: 'path', path: '/opt/node/bin/node' });
    expect(usageErrorOf(['--node', '']).message).toContain('--node takes a major version');
    expect(usageErrorOf(['--node', '12']).message).toBe('--node 12: the bench needs Node 18 or later');
  });

  it('times start-up in every run unless --only leaves it out, --startup-runs 0 turns it off, or the run is a curve', () => {
    expect(parseCli([]).startup).toBe(true);
    expect(parseCli([]).settings.startupRuns).toBe(FULL.startupRuns);
    expect(parseCli(['--quick']).settings.startupRuns).toBe(QUICK.startupRuns);
    expect(parseCli(['--only', 'grpc-mtls']).startup).toBe(false);
    const only = parseCli(['--only', 'startup']);
    expect(only.startup).toBe(true);
    expect(only.scenarios).toEqual([]);
    expect(parseCli(['--only', 'grpc-mtls,startup']).scenarios).toEqual(['grpc-mtls']);
    expect(parseCli(['--startup-runs', '0']).startup).toBe(false);
    expect(parseCli(['--startup-runs', '3']).settings.startupRuns).toBe(3);
    expect(usageErrorOf(['--startup-runs', '1.5']).message).toBe("--startup-runs takes a whole number, got '1.5'");
    expect(parseCli(['--curve']).startup).toBe(false);
  });

  it('--matrix runs the key scenarios on Node 20, 22 and 24, or on the --matrix-nodes given; --only still picks', () => {
    const request = parseCli(['--matrix', '--quick']);
    expect(request.matrix).toEqual([20, 22, 24].map((major) => ({ kind: 'major', major })));
    expect(request.scenarios).toEqual([...MATRIX_SCENARIOS]);
    expect(request.startup).toBe(true);
    expect(request.settings.mode).toBe('quick');
    expect(parseCli(['--matrix', '--matrix-nodes', '22, /opt/node24']).matrix).toEqual([
      { kind: 'major', major: 22 },
      { kind: 'path', path: '/opt/node24' },
    ]);
    const only = parseCli(['--matrix', '--only', 'grpc-mtls,rampart-auth-warm']);
    expect(only.scenarios).toEqual(['grpc-mtls', 'rampart-auth-warm']);
    expect(only.startup).toBe(false);
    expect(parseCli([]).matrix).toBeUndefined();
  });

  it('refuses --matrix with --node or --curve, and the sub-options without their option', () => {
    expect(usageErrorOf(['--matrix', '--node', '22']).message).toContain('name them with --matrix-nodes');
    expect(usageErrorOf(['--matrix', '--curve']).message).toContain('do not combine');
    expect(usageErrorOf(['--matrix-nodes', '22']).message).toBe('--matrix-nodes goes with --matrix');
    expect(usageErrorOf(['--curve-levels', '8']).message).toBe('--curve-levels goes with --curve');
    expect(usageErrorOf(['--matrix', '--matrix-nodes', ',']).message).toContain('got none');
  });

  it('--curve measures at 1, 8, 32, 128 and 512 calls in flight, or at the --curve-levels given, on --node', () => {
    expect(parseCli([]).curve).toBeUndefined();
    expect(parseCli(['--curve']).curve).toEqual(CURVE_LEVELS);
    expect(CURVE_LEVELS).toEqual([1, 8, 32, 128, 512]);
    expect(parseCli(['--curve', '--curve-levels', '1,4,16']).curve).toEqual([1, 4, 16]);
    expect(parseCli(['--curve', '--node', '24']).node).toEqual({ kind: 'major', major: 24 });
    expect(usageErrorOf(['--curve', '--curve-levels', '1,x']).message).toBe("--curve-levels takes a positive integer, got 'x'");
  });
});
