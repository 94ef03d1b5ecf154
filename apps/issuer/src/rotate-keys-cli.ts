import { loadConfig } from '@rampart/config';
import { issuerConfigSchema } from './config-schema.js';
import { rotateKeys } from './rotate-keys.js';

// One key-rotation step on the configured keys file (issuer.keysFile); restart the issuer afterwards.
// The old key is removed only once tokens it signed have expired: access token lifetime + 60 s.
try {
  const config = loadConfig({ schemas: [issuerConfigSchema] });
  const path = config.get('issuer.keysFile');
  const result = await rotateKeys(path, { retireAfterSec: config.get('issuer.accessTokenTtlSec') + 60 });
  process.stdout.write(
    `${path}: stage ${result.stage}, signing kid ${result.signingKid}, published ${result.publishedKids.join(', ')}\n` +
      `${result.message}\n`,
  );
} catch (error) {
  process.stderr.write(`rotate-keys: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
