import { startTestApp } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startJwksServer, type JwksServer } from '../tokens/support/jwks-server.js';
import { captureLogs } from './e2e-support.js';
import { TokenVault } from './token-vault.js';
import { vaultApp } from './vault-app.js';

// At `onReady` the auth plugin fetches the issuers' keys in the background (not awaited, so an issuer that is down
// does not hold up serving). Shutting down must end that wait: nothing about it may be logged after "stopped".

const NOT_YET = 'could not fetch token signing keys yet; will retry on first use';
let issuer: JwksServer;

beforeAll(async () => {
  issuer = await startJwksServer();
  issuer.discoveryMode = 'hang';
});
afterAll(() => issuer.close());

const start = (name: string) => {
  const logs = captureLogs(name);
  const app = startTestApp(
    vaultApp([TokenVault], { name, logger: logs.logger, values: { auth: { tokens: { issuer: issuer.url, audience: 'vault', jwksTimeoutMs: 200 } } } }),
  );
  return { logs, app };
};
const messages = (lines: readonly string[]) => lines.map((line) => (JSON.parse(line) as { msg: string }).msg);

describe('the start-up key prefetch', () => {
  it('warns when the issuer does not answer while the app runs', async () => {
    const { logs, app } = start('vault-running');
    const t = await app;
    try {
      await vi.waitFor(() => expect(messages(logs.lines)).toContain(NOT_YET), { timeout: 3000 });
    } finally {
      await t.close();
    }
  });

  it('is abandoned when the app shuts down: no warning after it stopped', async () => {
    const { logs, app } = start('vault-closing');
    const t = await app;
    await t.close();
    const stoppedAt = messages(logs.lines).indexOf('vault-closing stopped');
    expect(stoppedAt).toBeGreaterThanOrEqual(0);
    await new Promise((resolve) => setTimeout(resolve, 600)); // a sleep on purpose: three times the fetch timeout, and no warning
    expect(messages(logs.lines)).not.toContain(NOT_YET);
  });
});
