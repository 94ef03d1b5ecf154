import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClients } from '@rampart/issuer';
import { describe, expect, it } from 'vitest';
import { issuerClients } from '../src/world.js';

describe('issuerClients', () => {
  it('merges workloads registered by `rampart new service` into the sample clients', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
    try {
      const payments = 'spiffe://demo.rampart.dev/payments';
      mkdirSync(join(dir, 'issuer'));
      writeFileSync(
        join(dir, 'issuer', 'clients.json'),
        JSON.stringify({
          issuer: {
            clients: [
              { client_id: 'payments', spiffe_id: payments, resources: {} },
              { client_id: 'demo-client', spiffe_id: 'spiffe://demo.rampart.dev/demo-client', resources: { [payments]: ['payments:read'] } },
            ],
          },
        }),
      );
      const clients = issuerClients(dir) as { client_id: string; resources: Record<string, string[]> }[];
      expect(clients.map((c) => c.client_id)).toEqual(['orders', 'demo-client', 'intruder', 'payments']);
      const demoClient = clients.find((c) => c.client_id === 'demo-client');
      expect(demoClient?.resources[payments]).toEqual(['payments:read']);
      expect(demoClient?.resources['spiffe://demo.rampart.dev/orders']).toEqual(['orders:read', 'orders:write']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unions exchange delegations per audience and subject scope, and the issuer accepts the result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
    try {
      const inventory = 'spiffe://demo.rampart.dev/inventory';
      const payments = 'spiffe://demo.rampart.dev/payments';
      mkdirSync(join(dir, 'issuer'));
      const orders = {
        client_id: 'orders',
        spiffe_id: 'spiffe://demo.rampart.dev/orders',
        resources: { [payments]: ['payments:charge'], [inventory]: ['inventory:adjust'] },
        exchange: { [payments]: { 'orders:write': ['payments:charge'] }, [inventory]: { 'orders:admin': ['inventory:adjust'] } },
      };
      writeFileSync(join(dir, 'issuer', 'clients.json'), JSON.stringify({ issuer: { clients: [orders] } }));
      const merged = issuerClients(dir);
      const policy = parseClients(merged).find((c) => c.clientId === 'orders');
      const scopes = (audience: string, subjectScope: string): string[] => [...(policy?.exchange.get(audience)?.get(subjectScope) ?? [])];
      expect(scopes(inventory, 'orders:write')).toEqual(['inventory:read', 'inventory:reserve']);
      expect(scopes(inventory, 'orders:read')).toEqual(['inventory:read']);
      expect(scopes(inventory, 'orders:admin')).toEqual(['inventory:adjust']);
      expect(scopes(payments, 'orders:write')).toEqual(['payments:charge']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the sample list without a clients file', () => {
    expect((issuerClients(join(tmpdir(), 'no-such-rampart-dir')) as { client_id: string }[]).map((c) => c.client_id)).toEqual([
      'orders',
      'demo-client',
      'intruder',
    ]);
  });
});
