import { ProxyTracerProvider, metrics, trace } from '@opentelemetry/api';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
// The NodeSDK class from its own module, not the package's index: the index also loads `startNodeSDK()`'s declarative
// configuration (@opentelemetry/configuration and yaml, ~45 ms and ~480 KB bundled) that Rampart does not use. The
// package has no exports map, so Node resolves the path; test/sdk-module.spec.ts checks it is the index's NodeSDK.
import { NodeSDK } from '@opentelemetry/sdk-node/build/src/sdk.js';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { assertNoGlobals, unregisterGlobals } from './globals.js';
import type { OtelSdk, OtelSdkOptions } from './sdk-types.js';

/** `startOtelSdk()`'s work, in the module that loads the SDK (imported by it on its first call). */
export function startNodeSdk(options: OtelSdkOptions = {}): OtelSdk {
  assertNoGlobals();
  const instrumentations = [...(options.instrumentations ?? [new UndiciInstrumentation()])];
  const sdk = new NodeSDK({
    resource: defaultResource().merge(resourceFromAttributes({ ...options.resourceAttributes })),
    ...(options.serviceName === undefined ? {} : { serviceName: options.serviceName }),
    ...(options.spanExporter ? { spanProcessors: [new SimpleSpanProcessor(options.spanExporter)] } : {}),
    ...(options.metricReader ? { metricReaders: [options.metricReader] } : {}),
    // The logs signal is not Rampart's (pino writes the logs): an empty provider, so OTEL_LOGS_EXPORTER exports nothing.
    logRecordProcessors: [],
    instrumentations,
  });
  try {
    sdk.start();
  } catch (error) {
    for (const instrumentation of instrumentations) instrumentation.disable();
    unregisterGlobals();
    throw error;
  }
  const proxy = trace.getTracerProvider();
  const delegate = proxy instanceof ProxyTracerProvider ? proxy.getDelegate() : proxy;
  const noop = new ProxyTracerProvider().getDelegate();
  const meterProvider = metrics.getMeterProvider();
  return {
    tracerProvider: delegate === noop ? undefined : delegate,
    meterProvider: 'forceFlush' in meterProvider ? meterProvider : undefined,
    async shutdown(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const flushed = sdk.shutdown().then(
          () => [] as unknown[],
          (error: unknown) => [error],
        );
        return await Promise.race([flushed, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
      } finally {
        clearTimeout(timer);
        for (const instrumentation of instrumentations) instrumentation.disable();
        unregisterGlobals();
      }
    },
  };
}
