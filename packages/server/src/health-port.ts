import { ServerCredentials, type Server } from '@grpc/grpc-js';
import { RampartError, type ConfigReader, type Logger } from '@rampart/core';
import { hostPort } from './address.js';
import type { ServerConfig } from './config-schema.js';
import type { HealthReporter } from './health.js';
import { createGrpcServer } from './server-options.js';

/** The plaintext health port, once bound. */
export interface HealthPort {
  readonly host: string;
  readonly port: number;
  /** `host:port`, ready for a client. */
  readonly address: string;
  readonly server: Server;
}

/** `server.healthPort` and `server.healthHost`, checked; undefined when there is no health port. */
export function healthPortSettings(config: ConfigReader<ServerConfig>): { host: string; port: number } | undefined {
  const port = config.get('server.healthPort');
  if (port === 0) return undefined;
  const healthHost = config.get('server.healthHost');
  const host = healthHost === '' ? config.get('server.host') : healthHost;
  if (port === config.get('server.port')) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `server.healthPort is ${port}, the port of the service itself: the health port is a second, plaintext port. Fix: set RAMPART_SERVER_HEALTH_PORT to another port (e.g. 8081), or 0 for none`,
    );
  }
  return { host, port };
}

/**
 * Binds the health port: a grpc-js server with insecure credentials that serves `grpc.health.v1.Health` Check and
 * Watch from the app's own {@link HealthReporter} and nothing else. No app service, no reflection and no Rampart
 * handler is registered on it, so every other method is answered UNIMPLEMENTED by grpc-js; nothing there reads a
 * credential. It lets the kubelet's native `grpc:` probes (plaintext, no client certificate) reach the app while
 * the service port stays TLS/mTLS.
 *
 * @example
 * ```ts
 * const port = await listenHealthPort({ host: '0.0.0.0', port: 8081 }, config, health, logger);
 * ```
 */
export async function listenHealthPort(
  settings: { host: string; port: number },
  config: ConfigReader<ServerConfig>,
  health: HealthReporter,
  logger: Logger,
): Promise<HealthPort> {
  const server = createGrpcServer(config);
  health.addProbesTo(server);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(hostPort(settings.host, settings.port), ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
    const address = hostPort(settings.host, port);
    logger.info({ healthAddress: address }, 'health port listening (plaintext, grpc.health.v1 Check and Watch only)');
    return { host: settings.host, port, address, server };
  } catch (error) {
    server.forceShutdown();
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `server.healthPort: cannot listen on ${hostPort(settings.host, settings.port)}: ${(error as Error).message}. Fix: set RAMPART_SERVER_HEALTH_PORT to a free port or RAMPART_SERVER_HEALTH_HOST to an address of this host`,
      { cause: error },
    );
  }
}
