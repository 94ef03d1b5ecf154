import { rampartErrorOf } from '@rampart/test-support';
import { startTestApp, TestIssuer } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVault } from './token-vault.js';
import { vaultApp } from './vault-app.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
});
afterAll(() => issuer.stop());

describe('token configuration checked at start-up', () => {
  it('refuses to start when @Authenticated methods would have no expected audience, naming the key and the fix', async () => {
    const err = await rampartErrorOf(
      startTestApp(vaultApp([TokenVault], { values: { auth: { tokens: { issuer: issuer.url } } } })),
    );
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.message).toContain(`tokens from ${issuer.url} would have no expected audience`);
    expect(err.message).toContain('Fix: set auth.tokens.audience (RAMPART_AUTH_AUDIENCE)');
  });

  it('refuses to start when a method needs a token and no issuer is configured', async () => {
    const err = await rampartErrorOf(startTestApp(vaultApp([TokenVault])));
    expect(err.message).toContain('no token issuer is configured. Fix: set auth.tokens.issuers (or RAMPART_AUTH_ISSUER)');
  });
});
