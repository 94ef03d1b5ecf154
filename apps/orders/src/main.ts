import { rampartOtel } from '@rampart/plugin-otel';
import { rampartRedisWhenConfigured } from '@rampart/plugin-redis';
import { createOrdersApp, ordersAppOptions } from './app.js';

try {
  // With a Redis configured (RAMPART_REDIS_URL or _FILE, as on Kubernetes) the replicas share one-time tokens and
  // revocations; without one the app runs alone.
  // OpenTelemetry first (before rampart-auth), configured by the standard OTEL_* variables: traces over OTLP to
  // OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318), or OTEL_METRICS_EXPORTER=prometheus for a scrape.
  const app = await createOrdersApp({ plugins: [rampartOtel(), ...(ordersAppOptions().plugins ?? []), ...rampartRedisWhenConfigured()] });
  await app.listen();
} catch (error) {
  process.stderr.write(`orders: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
