import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RouteRow } from '../src/routes/rows.js';
import { rampart, removeTempDirs, REPO_ROOT, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/rampart.js', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * An app folder outside the workspace whose dist/app.js is the orders app with the Redis plugin added, and a
 * preload module that writes "socket opened" to stderr for every socket the process connects.
 */
function redisOrdersApp(): string {
  const dir = tempDir('rampart-plan-app-');
  const href = (name: string): string => JSON.stringify(pathToFileURL(require.resolve(name)).href);
  writeFileSync(join(dir, 'package.json'), '{ "name": "redis-orders", "type": "module" }\n');
  mkdirSync(join(dir, 'dist'));
  writeFileSync(
    join(dir, 'dist', 'app.js'),
    `import { ordersAppOptions } from ${href('@rampart/orders')};\n` +
      `import { rampartRedis } from ${href('@rampart/plugin-redis')};\n` +
      'export function redisOrdersAppOptions() {\n' +
      '  const options = ordersAppOptions();\n' +
      "  return { ...options, name: 'redis-orders', plugins: [...options.plugins, rampartRedis()] };\n" +
      '}\n',
  );
  writeFileSync(
    join(dir, 'socket-guard.mjs'),
    "import net from 'node:net';\n" +
      'const connect = net.Socket.prototype.connect;\n' +
      'net.Socket.prototype.connect = function (...args) {\n' +
      "  process.stderr.write(`socket opened: ${JSON.stringify(args[0])}\\n`);\n" +
      '  return connect.apply(this, args);\n' +
      '};\n',
  );
  return dir;
}

afterAll(() => removeTempDirs());

const ANY = 'any SPIFFE ID trusted by the trust bundle';

describe('rampart routes (the real inventory app)', () => {
  it('prints the auth matrix as JSON: every method with its mTLS rule, token rule and scopes', async () => {
    const run = await rampart(['routes', '--app', 'inventory', '--format', 'json', '--no-build'], REPO_ROOT);
    expect(run.code, run.err).toBe(0);
    const { app, methods } = JSON.parse(run.out) as { app: string; methods: RouteRow[] };
    expect(app).toBe('inventory');
    const byName = Object.fromEntries(methods.map((m) => [m.method, m]));
    expect(Object.keys(byName)).toEqual(['GetStock', 'Reserve', 'WatchStock', 'AdjustStock', 'CheckStock']);
    expect(methods.map((m) => m.kind)).toEqual(['unary', 'unary', 'serverStream', 'clientStream', 'bidi']);
    expect(byName['Reserve']).toMatchObject({
      path: '/rampart.demo.inventory.v1.InventoryService/Reserve',
      handler: 'InventoryService.reserve',
      public: false,
      mtls: {
        allow: ['spiffe://demo.rampart.dev/orders', 'spiffe://demo.rampart.dev/ns/rampart/sa/orders'],
        description: 'spiffe://demo.rampart.dev/orders, spiffe://demo.rampart.dev/ns/rampart/sa/orders',
      },
      token: { scopes: ['inventory:reserve'], boundToCertificate: true, description: 'required, bound to the client certificate' },
      policies: [],
      interceptors: ['rampart-auth'],
    });
    expect(byName['GetStock']).toMatchObject({ mtls: { allow: [], description: ANY }, token: { scopes: ['inventory:read'], boundToCertificate: false } });
    expect(byName['AdjustStock']?.token?.scopes).toEqual(['inventory:adjust']);
    expect(byName['CheckStock']?.token?.scopes).toEqual(['inventory:read']);
    expect(methods.every((m) => !m.public && m.mtls !== null && m.token !== null)).toBe(true);
  });

  it('prints a table and a Markdown table, from inside the app folder without --app', async () => {
    const table = await rampart(['routes', '--no-build'], join(REPO_ROOT, 'apps', 'inventory', 'src'));
    expect(table.code, table.err).toBe(0);
    expect(table.out).toContain('inventory: rampart.demo.inventory.v1.InventoryService');
    expect(table.out).toMatch(/Reserve\s+unary\s+spiffe:\/\/demo\.rampart\.dev\/orders, spiffe:\/\/demo\.rampart\.dev\/ns\/rampart\/sa\/orders\s+required, bound to the client certificate\s+inventory:reserve\s+-\s+no\s+rampart-auth/);
    expect(table.out).toContain('5 methods, every one with an auth decision (checked at start-up); 0 public');
    const markdown = await rampart(['routes', '--app', 'apps/inventory', '--format', 'markdown', '--no-build'], REPO_ROOT);
    expect(markdown.out.split('\n')[0]).toBe('| method | kind | mTLS | token | scopes | policies | public | interceptors |');
    expect(markdown.out).toContain(`| GetStock | unary | ${ANY} | required | inventory:read | - | no | rampart-auth |`);
  });

  it('plans an app with Redis and outgoing targets in a child process with an empty environment: no certificate, no connection', async () => {
    // The orders app plus the Redis plugin: createApp would connect to Redis (onInit) and build a TLS channel to
    // inventory. The only environment: where Redis, inventory and the issuer would be, all a listener that counts
    // connections. A preloaded guard also reports any socket the process opens, wherever it goes.
    const connections = { count: 0 };
    const listener = createServer((socket) => {
      connections.count += 1;
      socket.destroy();
    });
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
    const port = (listener.address() as AddressInfo).port;
    const dir = redisOrdersApp();
    // The child's own temporary folder: whatever it writes there shows, whatever runs beside it on this machine not.
    const childTmp = tempDir('rampart-routes-tmp-');
    try {
      const run = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'socket-guard.mjs')).href, BIN, 'routes', '--app', dir, '--format', 'json'], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          TMPDIR: childTmp,
          RAMPART_REDIS_URL: `redis://127.0.0.1:${port}`,
          RAMPART_CLIENTS_INVENTORY_ADDRESS: `127.0.0.1:${port}`,
          RAMPART_AUTH_ISSUER: `https://127.0.0.1:${port}`,
        },
      });
      expect(run.stderr).not.toContain('socket opened');
      expect(run.status, run.stderr).toBe(0);
      const { app, methods } = JSON.parse(run.stdout) as { app: string; methods: RouteRow[] };
      expect(app).toBe('redis-orders');
      expect(methods.map((m) => [m.method, m.kind, m.token?.scopes, m.interceptors])).toEqual([
        // validate: orders.proto declares buf.validate rules on both request types; rampart-ratelimit on every method:
        // config (which planning does not read) may limit any of them (ADR 0048).
        ['PlaceOrder', 'unary', ['orders:write'], ['rampart-auth', 'validate', 'rampart-ratelimit']],
        ['GetOrder', 'unary', ['orders:read'], ['rampart-auth', 'validate', 'rampart-ratelimit']],
        ['ImportOrders', 'clientStream', ['orders:write'], ['rampart-auth', 'validate', 'rampart-ratelimit']],
        ['TrackOrders', 'bidi', ['orders:read'], ['rampart-auth', 'validate', 'rampart-ratelimit']],
      ]);
      expect(connections.count).toBe(0);
      // No throwaway certificates either.
      expect(readdirSync(childTmp)).toEqual([]);
    } finally {
      await new Promise((done) => listener.close(done));
    }
  });

  it('prints the start-up problems of an app that would refuse to start, and exits 1', async () => {
    const dir = tempDir('rampart-routes-broken-');
    writeFileSync(join(dir, 'package.json'), '{ "name": "broken", "type": "module" }\n');
    mkdirSync(join(dir, 'dist'));
    // The orders app without its auth plugin: every @Authenticated (and @Authorize) method is enforced by no interceptor.
    writeFileSync(
      join(dir, 'dist', 'app.js'),
      `import { ordersAppOptions } from ${JSON.stringify(pathToFileURL(require.resolve('@rampart/orders')).href)};\n` +
        'export function brokenAppOptions() { return { ...ordersAppOptions(), plugins: [] }; }\n',
    );
    const run = await rampart(['routes', '--app', dir], dir);
    expect(run.code).toBe(1);
    expect(run.err).toContain('orders would refuse to start: 10 problem(s)');
    expect(run.err).toContain('OrdersService.placeOrder requires "mtls", which no installed interceptor enforces');
  });

  it('fails clearly for an unknown app and asks which app outside one', async () => {
    const unknown = await rampart(['routes', '--app', 'nope', '--no-build'], REPO_ROOT);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no app "nope"');
    expect(unknown.err).toContain('inventory');
    const which = await rampart(['routes', '--no-build'], REPO_ROOT);
    expect(which.code).toBe(2);
    expect(which.err).toContain('which app? give --app <name|dir>');
  });
});
