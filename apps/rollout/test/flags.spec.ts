import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/flags.js';

describe('parseFlags', () => {
  it('has defaults for a run of a couple of minutes', () => {
    const flags = parseFlags([]);
    expect(flags).toMatchObject({ beforeMs: 15_000, afterMs: 10_000, rate: 40, channels: 8, inventoryReplicas: 3, ordersReplicas: 2 });
    expect(flags.restart).toEqual(['inventory', 'orders']);
  });

  it('reads durations in seconds, services to roll and replica settings', () => {
    const flags = parseFlags(['--before', '2.5', '--restart', 'orders', '--env', 'RAMPART_SERVER_DRAIN_DELAY_MS=3000', '--loopback']);
    expect(flags.beforeMs).toBe(2_500);
    expect(flags.restart).toEqual(['orders']);
    expect(flags.serverEnv).toEqual({ RAMPART_SERVER_DRAIN_DELAY_MS: '3000' });
    expect(flags.loopback).toBe(true);
  });

  it('refuses bad values with a message that names the flag', () => {
    expect(() => parseFlags(['--rate', '0'])).toThrow(/--rate/);
    expect(() => parseFlags(['--rate', 'fast'])).toThrow(/--rate/);
    expect(() => parseFlags(['--restart', 'issuer'])).toThrow(/unknown service issuer/);
    expect(() => parseFlags(['--env', 'PATH=/tmp'])).toThrow(/RAMPART_NAME=value/);
  });
});
