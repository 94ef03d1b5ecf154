import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { parseEndpointAddress, resolveEndpoint, SPIFFE_ENDPOINT_SOCKET } from '../src/index.js';

function refusal(value: string): RampartError {
  try {
    parseEndpointAddress(value, SPIFFE_ENDPOINT_SOCKET);
  } catch (error) {
    expect(error).toBeInstanceOf(RampartError);
    return error as RampartError;
  }
  throw new Error(`${value} was accepted`);
}

describe('Workload API addresses (SPIFFE Workload Endpoint, section 4)', () => {
  it.each([
    ['unix:///run/spire/agent.sock', 'unix:///run/spire/agent.sock'],
    ['unix:/run/spire/agent.sock', 'unix:///run/spire/agent.sock'],
    ['unix:///tmp/with%20space.sock', 'unix:///tmp/with space.sock'],
    ['tcp://127.0.0.1:8081', 'ipv4:127.0.0.1:8081'],
    ['tcp://[::1]:8081', 'ipv6:[::1]:8081'],
  ])('%s → %s', (address, target) => {
    expect(parseEndpointAddress(address, 'address')).toBe(target);
  });

  it.runIf(process.platform === 'linux')('maps Linux abstract sockets to grpc-js unix-abstract: targets', () => {
    expect(parseEndpointAddress('unix:@spire-agent', 'address')).toBe('unix-abstract:spire-agent');
    expect(parseEndpointAddress('unix-abstract:spire-agent', 'address')).toBe('unix-abstract:spire-agent');
  });

  it.each([
    ['unix:relative/agent.sock', 'must be absolute'],
    ['unix://host/agent.sock', 'no authority'],
    ['unix:///run/agent.sock?x=1', 'no query or fragment'],
    ['unix:///run/agent.sock#f', 'no query or fragment'],
    ['unix:///run/%zz.sock', 'percent-encoding'],
    ['unix:///run/', 'directory'],
    ['unix:@', 'needs a name'],
    ['tcp://localhost:8081', 'must be an IP address'],
    ['tcp://127.0.0.1', 'needs a port'],
    ['tcp://127.0.0.1:8081/path', 'no path'],
    ['tcp://user@127.0.0.1:8081', 'no user information'],
    ['tcp://127.0.0.1:8081?q', 'no query or fragment'],
    ['tcp:127.0.0.1:8081', 'tcp://IP:port'],
    ['/run/spire/agent.sock', 'scheme must be unix or tcp'],
    ['http://127.0.0.1:8081', 'scheme must be unix or tcp'],
  ])('refuses %s (%s), naming the value and the forms allowed', (address, reason) => {
    const error = refusal(address);
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain(reason);
    expect(error.message).toContain(`${SPIFFE_ENDPOINT_SOCKET} ${JSON.stringify(address)}`);
    expect(error.message).toContain('unix:///path/to/agent.sock');
  });

  it('takes the explicit address first, SPIFFE_ENDPOINT_SOCKET otherwise, and says how to fix neither', () => {
    const env = { SPIFFE_ENDPOINT_SOCKET: 'unix:///from/env.sock' };
    expect(resolveEndpoint('unix:///explicit.sock', env).target).toBe('unix:///explicit.sock');
    expect(resolveEndpoint(undefined, env)).toEqual({ address: 'unix:///from/env.sock', target: 'unix:///from/env.sock' });
    expect(() => resolveEndpoint(undefined, {})).toThrow(/set SPIFFE_ENDPOINT_SOCKET .* or pass the address option/);
    expect(() => resolveEndpoint(undefined, { SPIFFE_ENDPOINT_SOCKET: 'tcp://agent:1' })).toThrow(/SPIFFE_ENDPOINT_SOCKET "tcp:\/\/agent:1"/);
  });
});
