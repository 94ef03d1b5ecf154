import {
  context,
  metrics,
  propagation,
  trace,
  type ContextManager,
  type MeterProvider,
  type TextMapPropagator,
  type TracerProvider,
} from '@opentelemetry/api';
import { RampartError } from '@rampart/core';

/**
 * What {@link registerGlobals} registers with the OpenTelemetry API.
 *
 * @example
 * ```ts
 * const globals: OtelGlobals = { contextManager, propagator, tracerProvider, meterProvider: undefined };
 * ```
 */
export interface OtelGlobals {
  readonly contextManager: ContextManager;
  readonly propagator: TextMapPropagator;
  readonly tracerProvider: TracerProvider | undefined;
  readonly meterProvider: MeterProvider | undefined;
}

/**
 * Registers the context manager, the propagator and the providers as the API's globals, and returns the function
 * that unregisters them again. When one is already registered in this process (another SDK), it undoes what it
 * did and throws `ERR_PLUGIN_INVALID` naming it: two SDKs would split the telemetry between them.
 *
 * @example
 * ```ts
 * const unregister = registerGlobals({ contextManager, propagator, tracerProvider, meterProvider });
 * // … on close:
 * unregister();
 * ```
 */
export function registerGlobals(globals: OtelGlobals): () => void {
  const undo: (() => void)[] = [];
  const unregister = (): void => {
    for (const step of undo.splice(0).reverse()) step();
  };
  const register = (what: string, registered: boolean, disable: () => void): void => {
    if (!registered) {
      unregister();
      throw new RampartError(
        'ERR_PLUGIN_INVALID',
        `rampart-otel: a global OpenTelemetry ${what} is already registered in this process; register one SDK only (remove the other, or this plugin)`,
      );
    }
    undo.push(disable);
  };
  register('context manager', context.setGlobalContextManager(globals.contextManager), () => context.disable());
  register('propagator', propagation.setGlobalPropagator(globals.propagator), () => propagation.disable());
  if (globals.tracerProvider) register('tracer provider', trace.setGlobalTracerProvider(globals.tracerProvider), () => trace.disable());
  if (globals.meterProvider) register('meter provider', metrics.setGlobalMeterProvider(globals.meterProvider), () => metrics.disable());
  return unregister;
}
