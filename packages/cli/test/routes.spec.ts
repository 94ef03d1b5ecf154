import { describe, expect, it } from 'vitest';
import type { RouteRow } from '../src/index.js';
import { rampart, REPO_ROOT } from './helpers.js';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
    expect(table.out).toMatch(/Reserve\s+unary\s+spiffe:\/\/demo\.rampart\.dev\/orders, spiffe:\/\/demo\.rampart\.dev\/ns\/rampart\/sa\/orders\s+required, bound to the client certificate\s+inventory:reserve\s+-\s+no/);
    expect(table.out).toContain('5 methods, every one with an auth decision (checked at start-up); 0 public');
    const markdown = await rampart(['routes', '--app', 'apps/inventory', '--format', 'markdown', '--no-build'], REPO_ROOT);
    expect(markdown.out.split('\n')[0]).toBe('| method | kind | mTLS | token | scopes | policies | public |');
    expect(markdown.out).toContain(`| GetStock | unary | ${ANY} | required | inventory:read | - | no |`);
  });

  it('needs no config for an app with outgoing targets (the real orders app): placeholder addresses and a throwaway certificate', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('rampart-routes-'));
    const run = await rampart(['routes', '--app', 'orders', '--format', 'json', '--no-build'], REPO_ROOT);
    expect(run.code, run.err).toBe(0);
    const { app, methods } = JSON.parse(run.out) as { app: string; methods: RouteRow[] };
    expect(app).toBe('orders');
    expect(methods.map((m) => [m.method, m.kind, m.token?.scopes])).toEqual([
      ['PlaceOrder', 'unary', ['orders:write']],
      ['GetOrder', 'unary', ['orders:read']],
      ['ImportOrders', 'clientStream', ['orders:write']],
      ['TrackOrders', 'bidi', ['orders:read']],
    ]);
    // The throwaway certificate's directory is gone again.
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('rampart-routes-'))).toEqual(before);
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
