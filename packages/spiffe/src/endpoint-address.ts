import { isIP } from 'node:net';
import { RampartError } from '@rampart/core';

/** The environment variable the SPIFFE Workload Endpoint specification names for the agent's address. */
export const SPIFFE_ENDPOINT_SOCKET = 'SPIFFE_ENDPOINT_SOCKET';

const FORMS = 'unix:///path/to/agent.sock, unix:@name (a Linux abstract socket) or tcp://127.0.0.1:8081 (an IP address and a port)';
const QUOTED_MAX = 200;

/**
 * Where the Workload API listens, and the gRPC target that reaches it.
 *
 * @example
 * ```ts
 * const endpoint: WorkloadEndpoint = { address: 'unix:///run/spire/agent.sock', target: 'unix:///run/spire/agent.sock' };
 * ```
 */
export interface WorkloadEndpoint {
  /** The address as given (the option or `SPIFFE_ENDPOINT_SOCKET`). */
  readonly address: string;
  /** The grpc-js target: `unix:///abs/path`, `unix-abstract:name`, `ipv4:IP:port` or `ipv6:[IP]:port`. */
  readonly target: string;
}

/**
 * Finds the Workload API: the explicit `address` when given, else `SPIFFE_ENDPOINT_SOCKET` from `env` (the
 * specification's fallback), parsed by {@link parseEndpointAddress}.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` when neither is set, or the address is not one of the forms allowed.
 *
 * @example
 * ```ts
 * resolveEndpoint(undefined, { SPIFFE_ENDPOINT_SOCKET: 'unix:///run/spire/agent.sock' }).target; // 'unix:///run/spire/agent.sock'
 * ```
 */
export function resolveEndpoint(address: string | undefined, env: NodeJS.ProcessEnv = process.env): WorkloadEndpoint {
  if (address !== undefined) return { address, target: parseEndpointAddress(address, 'the Workload API address option') };
  const fromEnv = env[SPIFFE_ENDPOINT_SOCKET];
  if (fromEnv === undefined || fromEnv === '') {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `no Workload API address: set ${SPIFFE_ENDPOINT_SOCKET} (the SPIRE agent's socket, e.g. unix:///run/spire/agent-sockets/api.sock) or pass the address option`,
    );
  }
  return { address: fromEnv, target: parseEndpointAddress(fromEnv, SPIFFE_ENDPOINT_SOCKET) };
}

/**
 * Turns a Workload API address into a grpc-js target, by the SPIFFE Workload Endpoint specification (section 4):
 * `unix:` with an absolute path and no authority (`unix:///path` or `unix:/path`, the same URI), or `tcp://` with an
 * IP address (not a host name) and a port, nothing else. Also accepted, for Linux abstract sockets, which the
 * specification does not name: `unix:@name` (the `@` convention of Go and `ss`) and grpc's own `unix-abstract:name`.
 *
 * @param setting what to call the value in errors (`SPIFFE_ENDPOINT_SOCKET`, or the option's name).
 * @throws RampartError `ERR_CONFIG_INVALID` naming the value, what is wrong and the forms allowed.
 *
 * @example
 * ```ts
 * parseEndpointAddress('unix:///run/spire/agent.sock', 'address'); // 'unix:///run/spire/agent.sock'
 * parseEndpointAddress('tcp://127.0.0.1:8081', 'address'); // 'ipv4:127.0.0.1:8081'
 * parseEndpointAddress('unix:@spire-agent', 'address'); // 'unix-abstract:spire-agent'
 * ```
 */
export function parseEndpointAddress(value: string, setting: string): string {
  const fail = (reason: string): never => {
    const quoted = JSON.stringify(value.length > QUOTED_MAX ? `${value.slice(0, QUOTED_MAX)}…` : value);
    throw new RampartError('ERR_CONFIG_INVALID', `${setting} ${quoted} is not a Workload API address: ${reason}; use ${FORMS}`);
  };
  if (value.startsWith('unix-abstract:')) return abstractTarget(value.slice('unix-abstract:'.length), fail);
  if (value.startsWith('unix:')) return unixTarget(value.slice('unix:'.length), fail);
  if (value.startsWith('tcp:')) return tcpTarget(value, fail);
  return fail('the scheme must be unix or tcp');
}

function unixTarget(rest: string, fail: (reason: string) => never): string {
  if (rest.startsWith('@')) return abstractTarget(rest.slice(1), fail);
  let path = rest;
  if (rest.startsWith('//')) {
    if (!rest.startsWith('///')) fail('a unix address has no authority (host): write unix:///absolute/path');
    path = rest.slice(2);
  }
  if (!path.startsWith('/')) fail('the socket path must be absolute');
  if (/[?#]/.test(path)) fail('a unix address has no query or fragment');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return fail('the path has a broken percent-encoding');
  }
  if (decoded.includes('\0')) fail('the path holds a NUL character');
  if (decoded === '/' || decoded.endsWith('/')) fail('the path names a directory, not a socket');
  return `unix://${decoded}`;
}

function abstractTarget(name: string, fail: (reason: string) => never): string {
  if (process.platform !== 'linux') fail('abstract sockets exist on Linux only');
  if (name === '' || name.includes('\0')) fail('an abstract socket needs a name without NUL characters');
  return `unix-abstract:${name}`;
}

function tcpTarget(value: string, fail: (reason: string) => never): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('it does not parse as a URI');
  }
  if (!value.startsWith('tcp://')) fail('a tcp address is tcp://IP:port');
  if (url.username !== '' || url.password !== '') fail('a tcp address has no user information');
  if (url.pathname !== '') fail('a tcp address has no path');
  if (url.search !== '' || url.hash !== '') fail('a tcp address has no query or fragment');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const family = isIP(host);
  if (family === 0) fail('the host must be an IP address, not a name');
  if (url.port === '') fail('a tcp address needs a port');
  return family === 4 ? `ipv4:${host}:${url.port}` : `ipv6:[${host}]:${url.port}`;
}

/**
 * The Workload API address a setting holds, or a start-up error naming the setting when it is empty (its variable is
 * `SPIFFE_ENDPOINT_SOCKET`).
 *
 * @throws RampartError `ERR_CONFIG_INVALID` naming `setting` and the fix.
 *
 * @example
 * ```ts
 * const address = configuredEndpoint(config.get('transport.workloadApi.address'), 'transport.workloadApi.address');
 * ```
 */
export function configuredEndpoint(address: string, setting: string): string {
  if (address !== '') return address;
  throw new RampartError(
    'ERR_CONFIG_INVALID',
    `${setting} is not set. Fix: set ${SPIFFE_ENDPOINT_SOCKET} (or ${setting}) to the SPIRE agent's socket, e.g. unix:///run/spire/agent-sockets/api.sock`,
  );
}
