import { loadConfig } from '@rampart/config';
import type { OtelSdk } from '@rampart/plugin-otel';
import { createLogger } from '@rampart/telemetry';
import { issuerConfigSchema, issuerOptionsFromConfig } from './config-schema.js';
import { createIssuer } from './create-issuer.js';

// Runs the issuer as a process: config from the files in RAMPART_CONFIG and RAMPART_ISSUER_* variables.
try {
  const config = loadConfig({ schemas: [issuerConfigSchema] });
  const logger = createLogger({ name: 'issuer', level: config.get('issuer.logLevel') });
  logger.info({ config: config.toRedactedJSON() }, 'configuration loaded');
  // OpenTelemetry from the standard OTEL_* variables (a span per request, continuing the caller's trace). Imported only
  // when enabled: the SDK takes about a second to load, which every restart (a key rotation step) would pay.
  const otel: OtelSdk | undefined =
    process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true'
      ? undefined
      : await (await import('@rampart/plugin-otel')).startOtelSdk({ serviceName: process.env.OTEL_SERVICE_NAME || 'issuer' });
  const issuer = await createIssuer({ ...(await issuerOptionsFromConfig(config, logger)), logger });
  // SIGHUP (a certificate helper such as spiffe-helper signals after writing): re-read the TLS files at once. With a
  // listener installed a SIGHUP no longer ends the process, which is Node's default.
  process.on('SIGHUP', (signal) => void issuer.reloadTls(signal));
  await issuer.listen();
  // Keeps serving through the drain delay (endpoints still route new requests here for a few seconds), then closes.
  const drainDelayMs = config.get('issuer.drainDelayMs');
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal, drainDelayMs }, 'stopping: serving on for the drain delay');
    setTimeout(() => {
      logger.info('drain delay over: closing');
      void issuer
        .close()
        .then(() => otel?.shutdown(5_000))
        .then(() => process.exit(0));
    }, drainDelayMs);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`issuer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
