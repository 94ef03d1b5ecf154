import type { ConfigSchemaFragment } from '@rampart/core';

/**
 * The configuration keys of every Rampart server. Each can be set in a config file or by its environment variable.
 * See docs/reference/configuration.md.
 */
export const serverConfigSchema: ConfigSchemaFragment = {
  server: {
    host: {
      doc: 'Address to listen on. Use 0.0.0.0 (or ::) inside a container so the port is reachable from outside it.',
      format: String,
      default: '127.0.0.1',
      env: 'RAMPART_SERVER_HOST',
    },
    port: {
      doc: 'TCP port to listen on; 0 picks a free port (tests).',
      format: 'port',
      default: 50051,
      env: 'RAMPART_SERVER_PORT',
    },
    shutdownGraceMs: {
      doc: 'On shutdown, how long in-flight calls may run before they are cancelled.',
      format: 'nat',
      default: 10_000,
      env: 'RAMPART_SERVER_SHUTDOWN_GRACE_MS',
    },
    maxReceiveMessageBytes: {
      doc: 'Largest request message accepted.',
      format: 'nat',
      default: 4 * 1024 * 1024,
      env: 'RAMPART_SERVER_MAX_RECEIVE_MESSAGE_BYTES',
    },
    maxSendMessageBytes: {
      doc: 'Largest response message sent.',
      format: 'nat',
      default: 4 * 1024 * 1024,
      env: 'RAMPART_SERVER_MAX_SEND_MESSAGE_BYTES',
    },
    reflection: {
      doc: 'Serve gRPC server reflection (service and message schemas, no data) so grpcurl-style tools work.',
      format: Boolean,
      default: true,
      env: 'RAMPART_SERVER_REFLECTION',
    },
  },
  transport: {
    insecure: {
      doc: 'Serve plaintext without TLS. For local experiments only: logged as a warning, refused when NODE_ENV=production.',
      format: Boolean,
      default: false,
      env: 'RAMPART_TRANSPORT_INSECURE',
    },
  },
  log: {
    level: {
      doc: 'Lowest level written to the log.',
      format: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
      default: 'info',
      env: 'RAMPART_LOG_LEVEL',
    },
  },
};
