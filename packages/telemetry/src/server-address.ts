/**
 * `server.address` and `server.port` of a client's calls, taken from the gRPC target string as the RPC semantic
 * conventions ask (static configuration, never the connection: low cardinality).
 *
 * @example
 * ```ts
 * const server: ServerAddress = { address: 'inventory.shop.svc', port: 8443 };
 * ```
 */
export interface ServerAddress {
  readonly address: string;
  readonly port?: number;
}

const HOST_PORT = /^(?:\[([^\]]+)\]|([^:/[\]]+))(?::(\d{1,5}))?$/;

/**
 * Parses a gRPC target (`host:port`, `[v6]:port`, `dns:///host:port`, `dns://resolver/host:port`, `unix:///path`) into
 * `server.address`/`server.port`; a target it cannot split (`ipv4:a,b`, a custom scheme) is the address as a whole,
 * with no port, as the conventions say.
 *
 * @example
 * ```ts
 * serverAddressOf('dns:///inventory:8443'); // { address: 'inventory', port: 8443 }
 * serverAddressOf('unix:///run/app.sock');  // { address: '/run/app.sock' }
 * ```
 */
export function serverAddressOf(target: string): ServerAddress {
  if (target.startsWith('unix:')) {
    const path = target.slice('unix:'.length).replace(/^\/\//, '');
    return { address: path };
  }
  let rest = target;
  if (rest.startsWith('dns:')) {
    rest = rest.slice('dns:'.length);
    // dns:[//authority/]host[:port]
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      rest = slash < 0 ? '' : rest.slice(slash + 1);
    }
  }
  const match = HOST_PORT.exec(rest);
  if (match === null) return { address: target };
  const host = match[1] ?? match[2] ?? '';
  const port = match[3] === undefined ? undefined : Number(match[3]);
  return port === undefined || port > 65_535 ? { address: host } : { address: host, port };
}
