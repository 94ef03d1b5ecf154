import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderKustomization, type KubeObject } from '../src/index.js';
import { envNamesRead, unreadEnvNames } from './support/app-settings.js';

// An env name the app does not read is ignored without a word (a misspelt RAMPART_SERVER_MAX_CONNECTION_AGE leaves
// connections unaged, and clients never spread to new pods): every RAMPART_* variable a manifest sets must be one
// its app reads.
type Container = { name: string; env?: { name: string }[] };
const appContainers = (objects: KubeObject[]) =>
  objects
    .filter((o) => o.kind === 'Deployment')
    .map((o) => ({ app: o.metadata.name, container: (o['spec'] as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]! }));

describe.each(['cert-manager', 'spire', 'spire-helper'])('overlays/%s', (overlay) => {
  const objects = renderKustomization(fileURLToPath(new URL(`../overlays/${overlay}`, import.meta.url)));

  it('sets only RAMPART_* variables the apps read', () => {
    const containers = appContainers(objects);
    expect(containers.filter((c) => envNamesRead(c.app)).map((c) => c.app).sort()).toEqual(['inventory', 'issuer', 'orders']);
    for (const { app, container } of containers) expect(unreadEnvNames(app, container.env ?? []), app).toEqual([]);
  });
});

describe('the env name check', () => {
  it('finds a misspelt setting, a setting of another app and a client that is not configured', () => {
    const env = ['RAMPART_SERVER_MAX_CONNECTION_AGE', 'RAMPART_SERVER_MAX_CONNECTION_AGE_MS', 'RAMPART_ISSUER_PORT', 'RAMPART_CLIENTS_ORDERS_ADDRESS'];
    expect(unreadEnvNames('orders', env.map((name) => ({ name })))).toEqual(['RAMPART_SERVER_MAX_CONNECTION_AGE', 'RAMPART_ISSUER_PORT', 'RAMPART_CLIENTS_ORDERS_ADDRESS']);
    expect(unreadEnvNames('issuer', [{ name: 'RAMPART_SERVER_HEALTH_PORT' }])).toEqual(['RAMPART_SERVER_HEALTH_PORT']);
  });

  it('accepts the _FILE variant of a sensitive setting only', () => {
    expect(unreadEnvNames('inventory', [{ name: 'RAMPART_REDIS_URL_FILE' }, { name: 'RAMPART_SERVER_PORT_FILE' }])).toEqual(['RAMPART_SERVER_PORT_FILE']);
  });
});
