/**
 * `host:port` as grpc-js binds and dials it: an IPv6 host goes in brackets (`[::]:50051`), a bracketed one stays.
 *
 * @example
 * ```ts
 * hostPort('::', 50051); // '[::]:50051'
 * hostPort('0.0.0.0', 8081); // '0.0.0.0:8081'
 * ```
 */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}
