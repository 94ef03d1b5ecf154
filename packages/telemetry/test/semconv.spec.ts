// The pre-stable names Rampart copies (as the semantic-conventions README asks of libraries) are the package's own;
// OTEL_SEMCONV_STABILITY_OPT_IN parsing; server.address/port from gRPC targets.
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { rpcSemconvFromEnv } from '../src/semconv.js';
import { serverAddressOf } from '../src/server-address.js';
import * as copied from '../src/semconv.js';

describe('semantic convention names', () => {
  it('every copied pre-stable name equals the export of the same name in @opentelemetry/semantic-conventions/incubating', () => {
    const names = Object.entries(copied).filter(([, value]) => typeof value === 'string');
    expect(names.length).toBe(6);
    for (const [name, value] of names) expect((incubating as Record<string, unknown>)[name], name).toBe(value);
  });

  it('OTEL_SEMCONV_STABILITY_OPT_IN: rpc/dup gives both, anything else the stable conventions', () => {
    expect(rpcSemconvFromEnv('rpc/dup')).toBe('dup');
    expect(rpcSemconvFromEnv(' http , RPC/DUP ')).toBe('dup');
    expect(rpcSemconvFromEnv('rpc,rpc/dup')).toBe('dup');
    expect(rpcSemconvFromEnv('rpc')).toBe('stable');
    expect(rpcSemconvFromEnv('http/dup')).toBe('stable');
    expect(rpcSemconvFromEnv('')).toBe('stable');
  });
});

describe('serverAddressOf (gRPC target → server.address, server.port)', () => {
  it.each([
    ['inventory:8443', { address: 'inventory', port: 8443 }],
    ['dns:///inventory.shop.svc:443', { address: 'inventory.shop.svc', port: 443 }],
    ['dns://8.8.8.8/grpc.io:50051', { address: 'grpc.io', port: 50051 }],
    ['dns:grpc.io:50051', { address: 'grpc.io', port: 50051 }],
    ['[::1]:50051', { address: '::1', port: 50051 }],
    ['inventory', { address: 'inventory' }],
    ['unix:///run/containerd/containerd.sock', { address: '/run/containerd/containerd.sock' }],
    ['unix:relative.sock', { address: 'relative.sock' }],
    ['ipv4:198.51.100.123:50051,198.51.100.124:50051', { address: 'ipv4:198.51.100.123:50051,198.51.100.124:50051' }],
    ['zk://zookeeper:2181/my-server', { address: 'zk://zookeeper:2181/my-server' }],
  ])('%s', (target, expected) => {
    expect(serverAddressOf(target)).toEqual(expected);
  });
});
