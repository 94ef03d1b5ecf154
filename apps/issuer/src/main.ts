import { loadConfig } from '@rampart/config';
import { createLogger } from '@rampart/telemetry';
import { issuerConfigSchema, issuerOptionsFromConfig } from './config-schema.js';
import { createIssuer } from './create-issuer.js';

// Runs the issuer as a process: config from the files in RAMPART_CONFIG and RAMPART_ISSUER_* variables.
try {
  const config = loadConfig({ schemas: [issuerConfigSchema] });
  const logger = createLogger({ name: 'issuer', level: config.get<string>('issuer.logLevel') });
  logger.info({ config: config.toRedactedJSON() }, 'configuration loaded');
  const issuer = await createIssuer({ ...(await issuerOptionsFromConfig(config)), logger });
  await issuer.listen();
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping');
    void issuer.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`issuer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
