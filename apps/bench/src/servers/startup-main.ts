/**
 * A server whose start-up `pnpm bench` times (spawn → first SERVING health answer): bare grpc-js or NestJS, on the
 * port in its configuration, then it serves until killed. No IPC channel: the orchestrator only probes its port,
 * as it probes the Rampart sample app it starts with `node dist/main.js`.
 */
import { STARTUP_ENV, type StartupServerConfig } from '../startup/startup-config.js';

const config = JSON.parse(process.env[STARTUP_ENV] ?? '{}') as StartupServerConfig;
try {
  if (config.kind === 'grpc') await (await import('./bare-health.js')).startBareWithHealth(config.fixtures, config.port);
  else await (await import('./nest-app.js')).startNest(config.fixtures, { port: config.port, health: true });
} catch (error) {
  process.stderr.write(`startup server ${config.kind}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
