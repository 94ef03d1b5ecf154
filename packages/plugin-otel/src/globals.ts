import { context, createContextKey, createNoopMeter, metrics, propagation, ProxyTracerProvider, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { RampartError } from '@rampart/core';

const PROBE = createContextKey('rampart.otel.probe');

/**
 * Checks, without registering anything, that no OpenTelemetry global (context manager, propagator, tracer or meter
 * provider) is registered in the process yet, and throws `ERR_PLUGIN_INVALID` naming the first one found: two SDKs
 * would split the telemetry between them (and the SDK would silently keep the other's).
 *
 * @example
 * ```ts
 * assertNoGlobals(); // before new NodeSDK(...).start()
 * ```
 */
export function assertNoGlobals(): void {
  const found = registeredGlobal();
  if (found !== undefined) {
    throw new RampartError(
      'ERR_PLUGIN_INVALID',
      `rampart-otel: a global OpenTelemetry ${found} is already registered in this process; register one SDK only (remove the other, or this plugin)`,
    );
  }
}

function registeredGlobal(): string | undefined {
  const provider = trace.getTracerProvider();
  // An empty proxy's delegate is the API's shared no-op provider, the same one a fresh proxy has.
  if (!(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== new ProxyTracerProvider().getDelegate()) {
    return 'tracer provider';
  }
  // The API's no-op meter provider hands out no-op meters, whose instruments are the API's shared no-op ones.
  const histogram = metrics.getMeterProvider().getMeter('rampart.otel.probe').createHistogram('rampart.otel.probe');
  if (histogram !== createNoopMeter().createHistogram('rampart.otel.probe')) return 'meter provider';
  if (propagation.fields().length > 0) return 'propagator';
  const probe = ROOT_CONTEXT.setValue(PROBE, true);
  // The API's no-op context manager never makes a context active.
  if (context.with(probe, () => context.active() === probe)) return 'context manager';
  return undefined;
}

/**
 * Unregisters what the SDK registered with the API (providers, propagator, context manager, logger provider), so a
 * later app, or another SDK, can register in the same process.
 *
 * @example
 * ```ts
 * await sdk.shutdown();
 * unregisterGlobals();
 * ```
 */
export function unregisterGlobals(): void {
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
  logs.disable();
}
